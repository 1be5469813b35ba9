/** Log lines that count as errors (check's logs.errors, logs' highlighting); FilterLogEvents narrows, then each line is re-checked here. */
export const ERROR_LINE = /\b(ERROR|Error|error|Exception|Traceback|FATAL|Fatal)\b|Task timed out|Runtime exited|Runtime\.\w+Error|"level":\s*"(error|fatal)"/;

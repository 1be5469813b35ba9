/** Lambda, narrowed to the operations course-doctor uses; pagination folded in. */
import {
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  ListFunctionsCommand,
  type FunctionConfiguration,
  type FunctionEventInvokeConfig,
} from "@aws-sdk/client-lambda";
import type { Aws } from "../clients.js";
import { readAllPages } from "./paginate.js";

export class LambdaService {
  constructor(private readonly aws: Aws) {}

  /**
   * The function's (or version's, or alias's) configuration — everything
   * GetFunctionConfiguration returns — and its reserved concurrency, in one call that has a
   * quota of its own (100 a second, beside the 15 the rest of the control plane shares).
   * `reserved` is null when the answer says none is reserved, undefined when it has no
   * Concurrency at all. The code location it also returns is not kept.
   */
  async getFunction(name: string, qualifier?: string): Promise<{ configuration: FunctionConfiguration; reserved: number | null | undefined }> {
    const out = await this.aws.call("lambda", new GetFunctionCommand({ FunctionName: name, Qualifier: qualifier }));
    const reserved = out.Concurrency === undefined ? undefined : (out.Concurrency.ReservedConcurrentExecutions ?? null);
    return { configuration: out.Configuration ?? {}, reserved };
  }

  /** The resource policy document as text with its revision; throws not-found when the function has none (or does not exist). */
  async getPolicy(name: string, qualifier?: string): Promise<{ policy: string; revisionId: string | undefined }> {
    const out = await this.aws.call("lambda", new GetPolicyCommand({ FunctionName: name, Qualifier: qualifier }));
    return { policy: out.Policy ?? "{}", revisionId: out.RevisionId };
  }

  /**
   * The asynchronous invocation settings (retries, maximum event age, destinations) of the
   * function, alias or version; throws not-found when none are configured (or there is no
   * such function).
   */
  getEventInvokeConfig(name: string, qualifier?: string): Promise<FunctionEventInvokeConfig> {
    return this.aws.call("lambda", new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: qualifier }));
  }

  listFunctions(): Promise<FunctionConfiguration[]> {
    return readAllPages(async (Marker) => {
      const out = await this.aws.call("lambda", new ListFunctionsCommand({ Marker, MaxItems: 50 }));
      return { items: out.Functions, next: out.NextMarker };
    });
  }
}

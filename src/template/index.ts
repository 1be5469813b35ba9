/**
 * Before deploy: templates (CloudFormation, SAM, CDK's synthesized JSON) or a Terraform plan
 * read from files into the pipeline model, then into one snapshot per rule. Loaded only by
 * `check --template` / `--tf-plan` (and `snapshot` with them); makes no AWS call.
 */
import { InputError, UsageError } from "../errors.js";
import type { Io } from "../host/io.js";
import type { Snapshot } from "../model/snapshot.js";
import { readTextInput } from "../util/input.js";
import { declaredParameters, NotATemplateError, parseTemplate, readTemplates } from "./cloudformation.js";
import type { Infra } from "./infra.js";
import { TemplateError } from "./intrinsics.js";
import { snapshotsOf, type TemplateRequest } from "./snapshot.js";
import { parsePlan, readPlan } from "./terraform.js";

export type { TemplateRequest } from "./snapshot.js";

/** Which files, and what the pseudo parameters and parameters are. */
export interface TemplateInput {
  templates: string[];
  tfPlan: string | null;
  /** --region (else the environment's); null when none was given. */
  region: string | null;
  /** --account: AWS::AccountId; null keeps the placeholder ACCOUNT. */
  account: string | null;
  /** --parameter KEY=VALUE. */
  parameters: Record<string, string>;
}

/** The placeholder AWS::AccountId stands as without --account. */
export const ACCOUNT_PLACEHOLDER = "ACCOUNT";
/** The placeholder AWS::Region stands as without a region. */
export const REGION_PLACEHOLDER = "REGION";

async function readFileText(spec: string, io: Io, flag: string): Promise<string> {
  if (spec.trimStart().startsWith("{") || spec.trimStart().startsWith("[")) throw new InputError(`${flag}: give a file, not inline JSON`);
  return (await readTextInput(spec, io, flag)).text;
}

/** Reads the files into the pipeline model; a file that is not a template (or plan) is one InputError naming it. */
export async function readInfra(input: TemplateInput, io: Io): Promise<Infra> {
  const account = input.account ?? ACCOUNT_PLACEHOLDER;
  if (input.tfPlan !== null) {
    const text = await readFileText(input.tfPlan, io, "--tf-plan");
    try {
      return readPlan(parsePlan(text), input.tfPlan, { region: input.region, account });
    } catch (error) {
      if (error instanceof NotATemplateError || error instanceof TemplateError) throw new InputError(`--tf-plan ${input.tfPlan}: ${error.message}`);
      throw error;
    }
  }
  const docs = [];
  for (const file of input.templates) {
    const text = await readFileText(file, io, "--template");
    try {
      docs.push(await parseTemplate(text, file));
    } catch (error) {
      if (error instanceof NotATemplateError) throw new InputError(`--template ${file}: ${error.message}`);
      throw error;
    }
  }
  const declared = declaredParameters(docs);
  const unknown = Object.keys(input.parameters).filter((name) => !declared.has(name));
  if (unknown.length > 0) throw new UsageError(`--parameter ${unknown[0]}: no template given declares a parameter of that name`, { hint: `parameters: ${[...declared].join(", ")}` });
  try {
    return readTemplates(docs, { region: input.region ?? REGION_PLACEHOLDER, account, parameters: input.parameters });
  } catch (error) {
    if (error instanceof TemplateError) {
      const file = docs.length === 1 ? docs[0]!.file : input.templates.join(", ");
      throw new InputError(`--template ${file}: ${error.message}`);
    }
    throw error;
  }
}

/** The snapshots of the rules the request names, one per rule. */
export async function readTemplateSnapshots(input: TemplateInput, request: Omit<TemplateRequest, "accountPlaceholder">, io: Io): Promise<{ snapshots: Snapshot[]; notes: string[] }> {
  const infra = await readInfra(input, io);
  const snapshots = snapshotsOf(infra, { ...request, accountPlaceholder: input.account === null });
  return { snapshots, notes: infra.notes };
}

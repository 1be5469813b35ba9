/** Small templates and plans through the readers, the checks and the diagnosis, with no file system. */
import { runChecks } from "../../src/checks/index.js";
import { diagnose } from "../../src/diagnose.js";
import type { Diagnosis, Finding } from "../../src/model/finding.js";
import type { AppEvent, Snapshot } from "../../src/model/snapshot.js";
import { parseTemplate, readTemplates } from "../../src/template/cloudformation.js";
import type { Infra } from "../../src/template/infra.js";
import { snapshotsOf } from "../../src/template/snapshot.js";
import { readPlan } from "../../src/template/terraform.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

export const EVENT: AppEvent = { origin: "flags", input: { source: "agent2.ingestor", "detail-type": "Document Processing Required", detail: { job_id: "j1" } } };

export interface Options {
  rule?: string;
  all?: boolean;
  function?: string;
  publisher?: string;
  event?: AppEvent | null;
  parameters?: Record<string, string>;
  account?: string;
}

export async function templateInfra(texts: string[] | string, options: Options = {}): Promise<Infra> {
  const list = Array.isArray(texts) ? texts : [texts];
  const docs = await Promise.all(list.map((text, i) => parseTemplate(text, `template${i === 0 ? "" : i + 1}.yaml`)));
  return readTemplates(docs, { region: REGION, account: options.account ?? ACCOUNT, parameters: options.parameters ?? {} });
}

export function snapshotsFrom(infra: Infra, options: Options = {}): Snapshot[] {
  return snapshotsOf(infra, {
    bus: null,
    rule: options.rule ?? null,
    all: options.all ?? false,
    function: options.function ?? null,
    publisher: options.publisher ?? null,
    busEnvVar: "EVENT_BUS_NAME",
    event: options.event === undefined ? EVENT : options.event,
    sinceMs: 3_600_000,
    tool: "course-doctor test",
    now: "2026-12-02T00:00:00.000Z",
    accountPlaceholder: options.account === "ACCOUNT",
  });
}

export function diagnoseOne(snapshot: Snapshot): Diagnosis {
  return diagnose(runChecks(snapshot), { target: { region: REGION, account: ACCOUNT, bus: "b", rule: snapshot.request.rule }, durationMs: 0, strict: false });
}

export async function checkTemplate(texts: string[] | string, options: Options = {}): Promise<Diagnosis> {
  const [snapshot] = snapshotsFrom(await templateInfra(texts, options), options);
  return diagnoseOne(snapshot!);
}

export function checkPlan(plan: object, options: Options = {}): Diagnosis {
  const [snapshot] = snapshotsFrom(readPlan(plan as Record<string, unknown>, "plan.json", { region: REGION, account: options.account ?? ACCOUNT }), options);
  return diagnoseOne(snapshot!);
}

export function findingOf(diagnosis: Diagnosis, id: string): Finding {
  const found = diagnosis.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} in ${diagnosis.findings.map((f) => f.id).join(", ")}`);
  return found;
}

/** A custom-bus pipeline in plain CloudFormation; `patch` replaces parts of it. */
export function pipeline(patch: { permission?: string; rule?: string; function?: string; extra?: string; parameters?: string; conditions?: string } = {}): string {
  return `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
    Default: dev
${patch.parameters ?? ""}
${patch.conditions ? `Conditions:\n${patch.conditions}` : ""}
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: !Sub orders-\${Stage}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
${
  patch.function ??
  `      FunctionName: !Sub worker-\${Stage}
      Role: !GetAtt WorkerRole.Arn
      Environment:
        Variables:
          EVENT_BUS_NAME: !Ref Bus`
}
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies:
        - PolicyName: publish
          PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: events:PutEvents, Resource: !GetAtt Bus.Arn }] }
  Rule:
    Type: AWS::Events::Rule
    Properties:
${
  patch.rule ??
  `      Name: !Sub route-\${Stage}
      EventBusName: !Ref Bus
      EventPattern: { source: [agent2.ingestor], detail-type: [Document Processing Required] }
      Targets:
        - Id: worker
          Arn: !GetAtt Worker.Arn`
}
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
${
  patch.permission ??
  `      FunctionName: !Ref Worker
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Rule.Arn`
}
${patch.extra ?? ""}
`;
}

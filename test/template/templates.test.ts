/**
 * Small templates per construct, through the same checks as a live snapshot: each resource
 * type's Ref and GetAtt, SAM's events and aliases, CDK's JSON, unresolved values and bad
 * input — with the root causes the live scenarios have.
 */
import { describe, expect, it } from "vitest";
import { NotATemplateError, parseTemplate } from "../../src/template/cloudformation.js";
import { TemplateError } from "../../src/template/intrinsics.js";
import { InputError, UsageError } from "../../src/errors.js";
import { ACCOUNT, checkTemplate, findingOf, pipeline, snapshotsFrom, templateInfra } from "./helpers.js";

const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-dev/route-dev`;

describe("a CloudFormation pipeline before deploy", () => {
  it("passes when the permission names the rule by !GetAtt Rule.Arn", async () => {
    const d = await checkTemplate(pipeline());
    // target.retry warns: the target has no dead-letter queue.
    expect(d.status).toBe("warn");
    expect(d.rootCause).toBeNull();
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "publisher.bus").title).toContain("publishes to orders-dev");
    expect(findingOf(d, "aws.access").status).toBe("skip");
    expect(findingOf(d, "metrics.matched").title).toMatch(/before deploy/);
  });

  const cases: Array<{ name: string; template: string; rootCause: string; title?: RegExp; fix?: RegExp }> = [
    {
      name: "a SourceArn in the default-bus form",
      template: pipeline({ permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !Sub arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/route-\${Stage}` }),
      rootCause: "target.permission",
      title: /default-bus form|names rule\/route-dev/,
      fix: /In resource Permission \(template\.yaml\), set SourceArn: !GetAtt Rule\.Arn/,
    },
    {
      name: "a SourceArn naming the bus ARN",
      template: pipeline({ permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !GetAtt Bus.Arn` }),
      rootCause: "target.permission",
    },
    {
      name: "no permission at all",
      template: pipeline({ permission: `      FunctionName: !Ref OtherFunction\n      Action: lambda:InvokeFunction\n      Principal: s3.amazonaws.com`, extra: `  OtherFunction:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: other` }),
      rootCause: "target.permission",
      title: /no (resource policy|statement)/,
      fix: /Type: AWS::Lambda::Permission[\s\S]*FunctionName: !Ref Worker[\s\S]*SourceArn: !GetAtt Rule\.Arn/,
    },
    {
      name: "a disabled rule",
      template: pipeline({ rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      State: DISABLED\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: worker, Arn: !GetAtt Worker.Arn }]` }),
      rootCause: "rule.state",
      fix: /In resource Rule \(template\.yaml\), set State: ENABLED/,
    },
    {
      name: "a pattern that does not match the event the code sends",
      template: pipeline({ rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.Ingestor] }\n      Targets: [{ Id: worker, Arn: !GetAtt Worker.Arn }]` }),
      rootCause: "event.matches",
    },
    {
      name: "the publisher's bus variable naming another bus",
      template: pipeline({ function: `      FunctionName: worker-dev\n      Role: !GetAtt WorkerRole.Arn\n      Environment:\n        Variables:\n          EVENT_BUS_NAME: orders` }),
      rootCause: "publisher.bus",
      fix: /In resource Worker \(template\.yaml\), set Environment\.Variables\.EVENT_BUS_NAME: !Ref Bus/,
    },
    {
      name: "a rule on the default bus while the publisher sends to the custom bus",
      template: pipeline({ rule: `      Name: route-dev\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: worker, Arn: !GetAtt Worker.Arn }]`, permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !GetAtt Rule.Arn` }),
      rootCause: "publisher.bus",
    },
    {
      name: "a rule without targets",
      template: pipeline({ rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }` }),
      rootCause: "targets.present",
      fix: /In resource Rule/,
    },
    {
      name: "reserved concurrency 0",
      template: pipeline({ function: `      FunctionName: worker-dev\n      Role: !GetAtt WorkerRole.Arn\n      ReservedConcurrentExecutions: 0\n      Environment: { Variables: { EVENT_BUS_NAME: !Ref Bus } }` }),
      rootCause: "target.exists",
      fix: /remove ReservedConcurrentExecutions: 0/,
    },
    {
      name: "a queue target without a queue policy",
      template: pipeline({
        rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: jobs, Arn: !GetAtt Jobs.Arn }]`,
        extra: `  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: jobs`,
      }),
      rootCause: "target.permission",
      fix: /Type: AWS::SQS::QueuePolicy[\s\S]*Queues: \[!Ref Jobs\]/,
    },
    {
      name: "a topic target encrypted with the AWS managed key",
      template: pipeline({
        rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: alerts, Arn: !Ref Alerts }]`,
        extra: `  Alerts:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: alerts\n      KmsMasterKeyId: alias/aws/sns\n  AlertsPolicy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Alerts]\n      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: events.amazonaws.com }, Action: sns:Publish, Resource: !Ref Alerts }] }`,
      }),
      rootCause: "target.encryption",
      fix: /In resource Alerts/,
    },
    {
      name: "a state machine target without a role",
      template: pipeline({
        rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: flow, Arn: !Ref Flow }]`,
        extra: `  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      StateMachineName: flow\n      DefinitionString: "{}"`,
      }),
      rootCause: "target.role",
    },
    {
      name: "a dead-letter queue whose policy does not admit EventBridge",
      template: pipeline({
        rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: worker, Arn: !GetAtt Worker.Arn, DeadLetterConfig: { Arn: !GetAtt Dlq.Arn } }]`,
        extra: `  Dlq:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: dlq`,
      }),
      rootCause: "target.dlq",
      fix: /AWS::SQS::QueuePolicy/,
    },
  ];

  it.each(cases)("$name: $rootCause, with a fix to the template", async ({ template, rootCause, title, fix }) => {
    const d = await checkTemplate(template);
    expect(d.status).toBe("fail");
    expect(d.rootCause?.id).toBe(rootCause);
    if (title) expect(d.rootCause?.title).toMatch(title);
    if (fix) expect(d.rootCause?.fix).toMatch(fix);
    expect(d.rootCause?.fix ?? "").not.toMatch(/(^|\s)aws (lambda|events|sqs|sns) /);
  });

  it("a SourceArn of !Ref Rule (BUS|NAME on a custom bus, not an ARN) is never passed", async () => {
    const d = await checkTemplate(pipeline({ permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !Ref Rule` }));
    const permission = findingOf(d, "target.permission");
    expect(permission.status).not.toBe("pass");
    expect(JSON.stringify(permission.evidence)).toContain("orders-dev|route-dev");
  });

  it("reads the rule's ARN from Fn::GetAtt in the custom-bus form", async () => {
    const [snapshot] = snapshotsFrom(await templateInfra(pipeline()));
    expect(snapshot!.rule.ok && snapshot!.rule.value.arn).toBe(RULE_ARN);
    expect(snapshot!.source?.logicalIds[RULE_ARN]).toMatchObject({ id: "Rule", type: "AWS::Events::Rule" });
  });

  it("takes a parameter from --parameter over its Default", async () => {
    const [snapshot] = snapshotsFrom(await templateInfra(pipeline(), { parameters: { Stage: "prod" } }));
    expect(snapshot!.rule.ok && snapshot!.rule.value.arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-prod/route-prod`);
  });

  it("leaves out a resource whose Condition is false, and reads !If", async () => {
    const template = pipeline({
      conditions: `  IsProd: !Equals [!Ref Stage, prod]`,
      permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !If [IsProd, !Sub "arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/route-prod", !GetAtt Rule.Arn]`,
      extra: `  ProdOnly:\n    Type: AWS::Events::Rule\n    Condition: IsProd\n    Properties:\n      Name: prod-only\n      EventPattern: { source: [x] }`,
    });
    const infra = await templateInfra(template);
    expect(infra.rules.map((r) => r.rule.Name)).toEqual(["route-dev"]);
    expect(findingOf(await checkTemplate(template), "target.permission").status).toBe("pass");
  });
});

describe("values left to deploy time", () => {
  it("an !ImportValue target is error naming it, and the verdict unknown", async () => {
    const d = await checkTemplate(pipeline({ rule: `      Name: route-dev\n      EventBusName: !Ref Bus\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: worker, Arn: !ImportValue SharedWorkerArn }]` }));
    expect(d.status).toBe("unknown");
    expect(d.blockedBy?.id).toBe("target.exists");
    expect(d.blockedBy?.title).toContain("!ImportValue SharedWorkerArn");
    expect(findingOf(d, "target.permission").status).toBe("error");
  });

  it("a parameter without a Default in the bus name makes the rule unknown, naming the parameter", async () => {
    const d = await checkTemplate(pipeline({ parameters: `  BusName:\n    Type: String`, rule: `      Name: route-dev\n      EventBusName: !Ref BusName\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: worker, Arn: !GetAtt Worker.Arn }]` }));
    expect(d.status).toBe("unknown");
    expect(d.blockedBy?.title).toMatch(/parameter BusName/);
    expect(d.blockedBy?.title).toMatch(/--parameter BusName=VALUE/);
  });

  it("an unresolved SourceArn is error when no other statement admits the rule", async () => {
    const d = await checkTemplate(pipeline({ permission: `      FunctionName: !Ref Worker\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !ImportValue RuleArn` }));
    expect(findingOf(d, "target.permission").status).toBe("error");
    expect(findingOf(d, "target.permission").title).toContain("!ImportValue RuleArn");
    expect(d.status).toBe("unknown");
  });

  it("an !ImportValue resolves from another template given", async () => {
    const exporter = `Resources:\n  Worker:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: worker-dev\nOutputs:\n  Arn:\n    Value: !GetAtt Worker.Arn\n    Export: { Name: WorkerArn }`;
    const importer = `Resources:\n  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: r\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: w, Arn: !ImportValue WorkerArn }]\n  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !ImportValue WorkerArn\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !GetAtt Rule.Arn`;
    const d = await checkTemplate([importer, exporter], { event: null });
    expect(findingOf(d, "target.exists").status).toBe("pass");
    expect(findingOf(d, "target.permission").status).toBe("pass");
  });

  it("a function defined outside the templates is error (could not tell), not a guess", async () => {
    const d = await checkTemplate(`Resources:\n  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: r\n      EventPattern: { source: [agent2.ingestor] }\n      Targets: [{ Id: w, Arn: arn:aws:lambda:us-east-1:${ACCOUNT}:function:elsewhere }]\n  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: elsewhere\n      Action: lambda:InvokeFunction\n      Principal: events.amazonaws.com\n      SourceArn: !GetAtt Rule.Arn`);
    expect(findingOf(d, "target.exists").status).toBe("error");
    expect(findingOf(d, "target.exists").title).toMatch(/not defined in template\.yaml/);
    expect(findingOf(d, "target.permission").status).toBe("pass");
  });
});

const SAM = (events: string, extra = "") => `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        STAGE: dev
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: { Name: orders }
  Processor:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: processor
      Handler: app.handler
${extra}
      Events:
${events}
`;

describe("SAM", () => {
  it("an EventBridgeRule event makes a rule and a permission that is right by construction", async () => {
    const template = SAM(`        Jobs:\n          Type: EventBridgeRule\n          Properties:\n            EventBusName: !Ref Bus\n            Pattern: { source: [agent2.ingestor] }\n            RetryPolicy: { MaximumRetryAttempts: 2 }\n            DeadLetterConfig: { Type: SQS }`);
    const infra = await templateInfra(template);
    expect(infra.rules.map((r) => r.origin.id)).toEqual(["ProcessorJobs"]);
    expect(infra.permissions.map((p) => p.origin.id)).toEqual(["ProcessorJobsPermission"]);
    expect(infra.queues.map((q) => q.origin.id)).toEqual(["ProcessorJobsQueue"]);
    const d = await checkTemplate(template);
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "target.dlq").title).toMatch(/admits events\.amazonaws\.com/);
    expect(findingOf(d, "rule.exists").evidence?.arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/{ProcessorJobs}`);
  });

  it("a CloudWatchEvent on the default bus, and Globals merged into the environment", async () => {
    const template = SAM(`        Old:\n          Type: CloudWatchEvent\n          Properties:\n            Pattern: { source: [agent2.ingestor] }`, "      Environment:\n        Variables:\n          EVENT_BUS_NAME: default");
    const infra = await templateInfra(template);
    expect(infra.rules[0]!.rule.Arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/{ProcessorOld}`);
    expect(infra.functions[0]!.environment).toEqual({ STAGE: "dev", EVENT_BUS_NAME: "default" });
    const d = await checkTemplate(template);
    expect(d.rootCause).toBeNull();
    expect(findingOf(d, "publisher.bus").status).toBe("pass");
  });

  it("AutoPublishAlias makes the alias the target, and the permission is on the alias", async () => {
    const template = SAM(`        Jobs:\n          Type: EventBridgeRule\n          Properties:\n            EventBusName: orders\n            Pattern: { source: [agent2.ingestor] }`, "      AutoPublishAlias: live");
    const [snapshot] = snapshotsFrom(await templateInfra(template));
    expect(snapshot!.targets.ok && snapshot!.targets.value[0]!.arn).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:processor:live`);
    const d = await checkTemplate(template);
    expect(findingOf(d, "target.exists").status).toBe("pass");
    expect(findingOf(d, "target.permission").status).toBe("pass");
  });

  it("a hand-written permission on the function while the rule targets the alias fails, with the fix naming the alias", async () => {
    const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Processor:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: processor, Handler: a.b, Runtime: python3.12, AutoPublishAlias: live }
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: r
      EventPattern: { source: [agent2.ingestor] }
      Targets: [{ Id: p, Arn: !Ref Processor.Alias }]
  Permission:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref Processor, Action: lambda:InvokeFunction, Principal: events.amazonaws.com, SourceArn: !GetAtt Rule.Arn }
`.replace("!Ref Processor.Alias", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:processor:live`);
    const d = await checkTemplate(template);
    expect(d.rootCause?.id).toBe("target.permission");
    expect(d.rootCause?.title).toMatch(/is on the function, not on processor:live/);
    expect(d.rootCause?.fix).toMatch(/In resource Permission \(template\.yaml\), set FunctionName: !Ref Processor\.Alias/);
  });

  it("EventBridgePutEventsPolicy grants the publisher events:PutEvents", async () => {
    const template = SAM(`        Jobs:\n          Type: EventBridgeRule\n          Properties:\n            EventBusName: orders\n            Pattern: { source: [agent2.ingestor] }`, "      Environment: { Variables: { EVENT_BUS_NAME: orders } }\n      Policies:\n        - EventBridgePutEventsPolicy: { EventBusName: orders }");
    expect(findingOf(await checkTemplate(template), "publisher.permission").status).toBe("pass");
    const without = SAM(`        Jobs:\n          Type: EventBridgeRule\n          Properties:\n            EventBusName: orders\n            Pattern: { source: [agent2.ingestor] }`, "      Environment: { Variables: { EVENT_BUS_NAME: orders } }");
    const d = await checkTemplate(without);
    expect(findingOf(d, "publisher.permission").status).not.toBe("pass");
  });
});

describe("CDK's synthesized JSON", () => {
  const cdk = (sourceArn: unknown) =>
    JSON.stringify({
      Parameters: { BootstrapVersion: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/cdk-bootstrap/hnb659fds/version" } },
      Resources: {
        OrdersBus1A2B3C4D: { Type: "AWS::Events::EventBus", Properties: { Name: "orders" } },
        WorkerServiceRole9A8B7C6D: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }], Version: "2012-10-17" }, ManagedPolicyArns: [{ "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]] }] } },
        Worker1E2F3A4B: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["WorkerServiceRole9A8B7C6D", "Arn"] }, Handler: "index.handler", Runtime: "nodejs20.x" }, DependsOn: ["WorkerServiceRole9A8B7C6D"] },
        RouteRule5E6F7A8B: {
          Type: "AWS::Events::Rule",
          Properties: { EventBusName: { Ref: "OrdersBus1A2B3C4D" }, EventPattern: { source: ["agent2.ingestor"] }, State: "ENABLED", Targets: [{ Arn: { "Fn::GetAtt": ["Worker1E2F3A4B", "Arn"] }, Id: "Target0" }] },
        },
        RouteRuleAllowEventRuleWorker: { Type: "AWS::Lambda::Permission", Properties: { Action: "lambda:InvokeFunction", FunctionName: { "Fn::GetAtt": ["Worker1E2F3A4B", "Arn"] }, Principal: "events.amazonaws.com", SourceArn: sourceArn } },
        CDKMetadata: { Type: "AWS::CDK::Metadata", Properties: { Analytics: "v2:deflate64:..." }, Condition: "CDKMetadataAvailable" },
      },
      Conditions: { CDKMetadataAvailable: { "Fn::Or": [{ "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] }] } },
    });

  it("reads generated names, Fn::Join and GetAtt the way CDK writes them", async () => {
    const d = await checkTemplate(cdk({ "Fn::GetAtt": ["RouteRule5E6F7A8B", "Arn"] }));
    expect(findingOf(d, "target.permission").status).toBe("pass");
    expect(findingOf(d, "target.exists").title).toContain("{Worker1E2F3A4B}");
  });

  it("a rule ARN built with Fn::Join in the default-bus form fails", async () => {
    const d = await checkTemplate(cdk({ "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":events:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":rule/", { Ref: "RouteRule5E6F7A8B" }]] }));
    expect(d.rootCause?.id).toBe("target.permission");
    expect(d.rootCause?.fix).toMatch(/set SourceArn: !GetAtt RouteRule5E6F7A8B\.Arn/);
  });
});

describe("bad input", () => {
  it.each<[string, string, RegExp]>([
    ["YAML that does not parse", "Resources:\n  A: [", /not valid YAML.*line/],
    ["JSON that does not parse", '{"Resources": ', /not valid JSON/],
    ["a document without Resources", "Description: hello\n", /no Resources/],
    ["a list", "- a\n- b\n", /not a CloudFormation template/],
    ["a Terraform plan", '{"planned_values": {}, "format_version": "1.2"}', /use --tf-plan/],
  ])("%s is one line naming the problem", async (_, text, message) => {
    await expect(parseTemplate(text, "t.yaml")).rejects.toThrow(NotATemplateError);
    await expect(parseTemplate(text, "t.yaml")).rejects.toThrow(message);
  });

  it("a template without any rule is an input error", async () => {
    const infra = await templateInfra("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n");
    expect(() => snapshotsFrom(infra)).toThrow(InputError);
    expect(() => snapshotsFrom(infra)).toThrow(/defines no EventBridge rule/);
  });

  it("several rules need --rule (a name or a logical id) or --all", async () => {
    const template = pipeline({ extra: `  Second:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: second\n      EventPattern: { source: [x] }` });
    const infra = await templateInfra(template);
    expect(() => snapshotsFrom(infra)).toThrow(UsageError);
    expect(snapshotsFrom(infra, { rule: "Second" })[0]!.request.rule).toBe("second");
    expect(snapshotsFrom(infra, { rule: "route-dev" })[0]!.request.rule).toBe("route-dev");
    expect(snapshotsFrom(infra, { all: true })).toHaveLength(2);
  });

  it("a reference to nothing is a template error naming it", async () => {
    await expect(templateInfra(pipeline({ permission: "      FunctionName: !Ref Nowhere" }))).rejects.toThrow(TemplateError);
    await expect(templateInfra(pipeline({ permission: "      FunctionName: !Ref Nowhere" }))).rejects.toThrow(/!Ref Nowhere/);
  });
});

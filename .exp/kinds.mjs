process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true";
import { SNSClient, CreateTopicCommand, GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { KMSClient, DescribeKeyCommand, CreateKeyCommand, GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand } from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
const cfg = { region: "us-east-1", endpoint: "http://127.0.0.1:5112", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
const sns = new SNSClient(cfg);
const t = await sns.send(new CreateTopicCommand({ Name: "jobs" }));
console.log("topic attrs", Object.keys((await sns.send(new GetTopicAttributesCommand({ TopicArn: t.TopicArn }))).Attributes), (await sns.send(new GetTopicAttributesCommand({ TopicArn: t.TopicArn }))).Attributes.Policy);
const kms = new KMSClient(cfg);
try { const d = await kms.send(new DescribeKeyCommand({ KeyId: "alias/aws/sqs" })); console.log("aws key", d.KeyMetadata.KeyManager); } catch (e) { console.log("describe alias/aws/sqs", e.name, e.message); }
const k = await kms.send(new CreateKeyCommand({ Policy: JSON.stringify({Version:"2012-10-17",Statement:[{Sid:"a",Effect:"Allow",Principal:{AWS:"arn:aws:iam::123456789012:root"},Action:"kms:*",Resource:"*"}]}) }));
console.log("cmk", k.KeyMetadata.KeyManager, (await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyMetadata.KeyId, PolicyName: "default" }))).Policy.slice(0,80));
const sts = new STSClient(cfg);
const ar = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::999999999999:role/reader", RoleSessionName: "x" }));
const other = { ...cfg, credentials: { accessKeyId: ar.Credentials.AccessKeyId, secretAccessKey: ar.Credentials.SecretAccessKey, sessionToken: ar.Credentials.SessionToken } };
console.log("other identity", (await new STSClient(other).send(new GetCallerIdentityCommand({}))).Account);
const sfn = new SFNClient(cfg);
try { const sm = await sfn.send(new CreateStateMachineCommand({ name: "m", definition: JSON.stringify({StartAt:"A",States:{A:{Type:"Pass",End:true}}}), roleArn: "arn:aws:iam::123456789012:role/sfn" })); console.log("sm", sm.stateMachineArn, (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: sm.stateMachineArn }))).status); } catch (e) { console.log("sfn", e.name, e.message); }
const ev = new EventBridgeClient(cfg);
await ev.send(new PutRuleCommand({ Name: "r", EventPattern: JSON.stringify({source:["x"]}) }));
const pt = await ev.send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "x", Arn: "arn:aws:lambda:us-east-1:999999999999:function:remote", RoleArn: "arn:aws:iam::123456789012:role/inv" }] }));
console.log("put cross target", pt.FailedEntryCount, JSON.stringify((await ev.send(new ListTargetsByRuleCommand({ Rule: "r" }))).Targets));

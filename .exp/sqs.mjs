import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { IAMClient, GetAccountAuthorizationDetailsCommand, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true";
const cfg = { region: "us-east-1", endpoint: "http://127.0.0.1:5111", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
const sqs = new SQSClient(cfg);
const q = await sqs.send(new CreateQueueCommand({ QueueName: "q1", Attributes: { Policy: JSON.stringify({Version:"2012-10-17",Statement:[]}) } }));
console.log(q.QueueUrl);
for (const url of ["https://sqs.us-east-1.amazonaws.com/123456789012/q1", "http://127.0.0.1:5111/123456789012/q1", "https://sqs.us-east-1.amazonaws.com/123456789012/nope"]) {
  try { const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })); console.log(url, Object.keys(a.Attributes)); } catch (e) { console.log(url, e.name, e.message); }
}
const iam = new IAMClient(cfg);
await iam.send(new CreateRoleCommand({ RoleName: "r1", AssumeRolePolicyDocument: JSON.stringify({Version:"2012-10-17",Statement:[{Effect:"Allow",Principal:{Service:"events.amazonaws.com"},Action:"sts:AssumeRole"}]}) }));
await iam.send(new PutRolePolicyCommand({ RoleName: "r1", PolicyName: "p", PolicyDocument: JSON.stringify({Version:"2012-10-17",Statement:[{Effect:"Allow",Action:"events:PutEvents",Resource:"*"}]}) }));
try { const d = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Role"] })); console.log(JSON.stringify(d.RoleDetailList?.[0]).slice(0,400)); } catch (e) { console.log("gaad", e.name, e.message); }

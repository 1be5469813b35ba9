/**
 * The narrow AWS services (one per AWS service, only the operations used, pagination
 * folded in), created once per Aws. Every call runs under the command's deadline.
 */
import type { Aws } from "../clients.js";
import { CloudWatchService } from "./cloudwatch.js";
import { EventBridgeService } from "./events.js";
import { FirehoseService } from "./firehose.js";
import { IamService } from "./iam.js";
import { KmsService } from "./kms.js";
import { LambdaService } from "./lambda.js";
import { LogsService } from "./logs.js";
import { SnsService } from "./sns.js";
import { SqsService } from "./sqs.js";
import { StatesService } from "./states.js";
import { StsService } from "./sts.js";

export interface Services {
  aws: Aws;
  events: EventBridgeService;
  lambda: LambdaService;
  cloudwatch: CloudWatchService;
  logs: LogsService;
  sqs: SqsService;
  sts: StsService;
  sns: SnsService;
  kms: KmsService;
  iam: IamService;
  states: StatesService;
  firehose: FirehoseService;
}

const cache = new WeakMap<Aws, Services>();

/** The services over one Aws (the same object for the same Aws). */
export function servicesOf(aws: Aws): Services {
  let services = cache.get(aws);
  if (!services) {
    services = {
      aws,
      events: new EventBridgeService(aws),
      lambda: new LambdaService(aws),
      cloudwatch: new CloudWatchService(aws),
      logs: new LogsService(aws),
      sqs: new SqsService(aws),
      sts: new StsService(aws),
      sns: new SnsService(aws),
      kms: new KmsService(aws),
      iam: new IamService(aws),
      states: new StatesService(aws),
      firehose: new FirehoseService(aws),
    };
    cache.set(aws, services);
  }
  return services;
}

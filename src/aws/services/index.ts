/**
 * The narrow AWS services (one per AWS service, only the operations used, pagination
 * folded in), created once per Aws. Every call runs under the command's deadline.
 */
import type { Aws } from "../clients.js";
import { CloudWatchService } from "./cloudwatch.js";
import { EventBridgeService } from "./events.js";
import { LambdaService } from "./lambda.js";
import { LogsService } from "./logs.js";
import { SqsService } from "./sqs.js";
import { StsService } from "./sts.js";

export interface Services {
  aws: Aws;
  events: EventBridgeService;
  lambda: LambdaService;
  cloudwatch: CloudWatchService;
  logs: LogsService;
  sqs: SqsService;
  sts: StsService;
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
    };
    cache.set(aws, services);
  }
  return services;
}

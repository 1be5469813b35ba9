/** Firehose, narrowed to whether a delivery stream exists. */
import { DescribeDeliveryStreamCommand } from "@aws-sdk/client-firehose";
import type { Aws } from "../clients.js";

export class FirehoseService {
  constructor(private readonly aws: Aws) {}

  /** The delivery stream's status; throws not-found for a missing one. */
  async describeDeliveryStream(name: string): Promise<{ status: string }> {
    const out = await this.aws.call("firehose", new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
    return { status: out.DeliveryStreamDescription?.DeliveryStreamStatus ?? "ACTIVE" };
  }
}

/** CloudWatch metrics, narrowed to the operations course-doctor uses; pagination and batching folded in. */
import { GetMetricDataCommand, ListMetricsCommand, type Metric, type MetricDataQuery, type MetricDataResult } from "@aws-sdk/client-cloudwatch";

export type { Metric, MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { Aws } from "../clients.js";
import { readAllPages } from "./paginate.js";

/** GetMetricData takes at most this many queries a call. */
export const QUERIES_PER_CALL = 500;

export class CloudWatchService {
  constructor(private readonly aws: Aws) {}

  /** Every metric of a namespace with the given dimension filter. */
  listMetrics(namespace: string, dimensions: Array<{ Name: string; Value?: string }>): Promise<Metric[]> {
    return readAllPages(async (NextToken) => {
      const out = await this.aws.call("cloudwatch", new ListMetricsCommand({ Namespace: namespace, Dimensions: dimensions, NextToken }));
      return { items: out.Metrics, next: out.NextToken };
    });
  }

  /** Every query's results over the window, in batches of 500 queries and all pages of each. */
  async getMetricData(queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]> {
    const results: MetricDataResult[] = [];
    for (let offset = 0; offset < queries.length; offset += QUERIES_PER_CALL) {
      const batch = queries.slice(offset, offset + QUERIES_PER_CALL);
      results.push(
        ...(await readAllPages(async (NextToken) => {
          const out = await this.aws.call("cloudwatch", new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: start, EndTime: end, NextToken, ScanBy: "TimestampAscending" }));
          return { items: out.MetricDataResults, next: out.NextToken };
        })),
      );
    }
    return results;
  }
}

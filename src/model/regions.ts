/**
 * The AWS regions every account has enabled by default (commercial partition). When a bus or
 * rule is not where the user looked, course-doctor looks for it in these; opt-in regions
 * (af-south-1, ap-east-1, me-south-1, ...) answer only once enabled, and are not searched.
 */
export const DEFAULT_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
];

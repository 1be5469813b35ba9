/** IAM, narrowed to reading a role and its policies; pagination folded in. */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type AttachedPolicy,
  type Role,
} from "@aws-sdk/client-iam";
import type { Aws } from "../clients.js";
import { readAllPages } from "./paginate.js";

/** IAM returns policy documents URL-encoded. */
function decode(document: string | undefined): string {
  return document === undefined ? "" : decodeURIComponent(document);
}

export class IamService {
  constructor(private readonly aws: Aws) {}

  /** The role, with its trust policy decoded. */
  async getRole(name: string): Promise<Role & { trustPolicy: string }> {
    const out = await this.aws.call("iam", new GetRoleCommand({ RoleName: name }));
    return { ...out.Role!, trustPolicy: decode(out.Role?.AssumeRolePolicyDocument) };
  }

  listRolePolicyNames(role: string): Promise<string[]> {
    return readAllPages(async (Marker) => {
      const out = await this.aws.call("iam", new ListRolePoliciesCommand({ RoleName: role, Marker }));
      return { items: out.PolicyNames, next: out.IsTruncated ? out.Marker : undefined };
    });
  }

  listAttachedRolePolicies(role: string): Promise<AttachedPolicy[]> {
    return readAllPages(async (Marker) => {
      const out = await this.aws.call("iam", new ListAttachedRolePoliciesCommand({ RoleName: role, Marker }));
      return { items: out.AttachedPolicies, next: out.IsTruncated ? out.Marker : undefined };
    });
  }

  /** An inline policy's document, decoded. */
  async getRolePolicy(role: string, name: string): Promise<string> {
    return decode((await this.aws.call("iam", new GetRolePolicyCommand({ RoleName: role, PolicyName: name }))).PolicyDocument);
  }

  /** A managed policy's default version document, decoded. */
  async getManagedPolicyDocument(arn: string): Promise<string> {
    const policy = await this.aws.call("iam", new GetPolicyCommand({ PolicyArn: arn }));
    const version = await this.aws.call("iam", new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }));
    return decode(version.PolicyVersion?.Document);
  }
}

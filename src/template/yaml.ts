/**
 * YAML templates with CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub` in both
 * forms, `!Join`, `!Select`, `!Split`, `!If`, `!ImportValue`, `!FindInMap`, `!Equals`, ...)
 * turned into their long forms. The `yaml` package loads here, only for `--template`.
 */
import { NotATemplateError } from "./cloudformation.js";

const SHORT_FORMS: Record<string, string> = {
  Ref: "Ref",
  Condition: "Condition",
  GetAtt: "Fn::GetAtt",
  Sub: "Fn::Sub",
  Join: "Fn::Join",
  Select: "Fn::Select",
  Split: "Fn::Split",
  If: "Fn::If",
  ImportValue: "Fn::ImportValue",
  FindInMap: "Fn::FindInMap",
  Equals: "Fn::Equals",
  Not: "Fn::Not",
  And: "Fn::And",
  Or: "Fn::Or",
  Base64: "Fn::Base64",
  GetAZs: "Fn::GetAZs",
  Cidr: "Fn::Cidr",
  Transform: "Fn::Transform",
  ToJsonString: "Fn::ToJsonString",
  Length: "Fn::Length",
};

export async function parseYamlTemplate(text: string): Promise<unknown> {
  const yaml = await import("yaml");
  const customTags = Object.entries(SHORT_FORMS).flatMap(([short, long]) => [
    // `!GetAtt Rule.Arn` is the scalar form of ["Rule", "Arn"].
    { tag: `!${short}`, resolve: (value: string) => ({ [long]: short === "GetAtt" ? value.split(/\.(.*)/s, 2) : value }) },
    { tag: `!${short}`, collection: "seq" as const, resolve: (value: { toJSON(): unknown }) => ({ [long]: value.toJSON() }) },
    { tag: `!${short}`, collection: "map" as const, resolve: (value: { toJSON(): unknown }) => ({ [long]: value.toJSON() }) },
  ]);
  const document = yaml.parseDocument(text, { customTags: customTags as never, merge: true, uniqueKeys: false, prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    // The message's first line already says where ("... at line 3, column 7:").
    throw new NotATemplateError(`not valid YAML: ${error.message.split("\n")[0]!.replace(/:$/, "")}`);
  }
  return document.toJS({ maxAliasCount: 1000 });
}

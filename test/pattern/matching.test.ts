import { describe, expect, it } from "vitest";
import { explainMatch, matchesPattern } from "../../src/pattern/index.js";

// Sources of the expectations:
//   AWS    = cases recorded against the real EventBridge TestEventPattern (LocalStack's AWS-validated
//            event_pattern_templates, and EventBridge's own documentation examples)
//   RULER  = aws/event-ruler (README and source: JsonRuleCompiler, ByteMachine, ACFinder, ComparableNumber)
//   DOCS   = EventBridge user guide (eb-event-patterns, eb-create-pattern-operators, arrays, null values)
type Case = [name: string, pattern: object | string, event: object | string, expected: boolean, source: string];

const ec2 = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: { "c-count": 5, "d-count": 3, "x-limit": 301.8, "source-ip": "10.0.0.33", "instance-id": "i-000000aaaaaa00000", state: "running" },
};

const cases: Case[] = [
  // exact values
  ["strings match exactly", { source: ["aws.ec2"] }, ec2, true, "DOCS"],
  ["strings are case-sensitive", { source: ["AWS.EC2"] }, ec2, false, "DOCS"],
  ["keys are case-sensitive", { Source: ["aws.ec2"] }, ec2, false, "AWS key_case_sensitive_NEG"],
  ["any value of the list", { detail: { state: ["initializing", "running"] } }, ec2, true, "RULER README"],
  ["event array: any element", { resources: ["x", "arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"] }, ec2, true, "DOCS arrays"],
  ["nested field", { detail: { "instance-id": ["i-000000aaaaaa00000"] } }, ec2, true, "DOCS"],
  ["missing field fails", { detail: { nothere: ["x"] } }, ec2, false, "DOCS"],
  ["null matches null", { detail: { r: [null] } }, { detail: { r: null } }, true, "AWS null_value"],
  ["null does not match a missing field", { detail: { r: [null] } }, { detail: {} }, false, "AWS null_value_NEG"],
  ["null does not match empty string", { detail: { r: [null] } }, { detail: { r: "" } }, false, "DOCS null values"],
  ["empty string matches empty string", { detail: { r: [""] } }, { detail: { r: "" } }, true, "AWS string_empty"],
  ["empty string does not match null", { detail: { r: [""] } }, { detail: { r: null } }, false, "DOCS null values"],
  ["null in pattern vs empty event array", { resources: [null] }, { resources: [] }, false, "AWS arrays_empty_null_NEG"],
  ["boolean literal", { detail: { ok: [true] } }, { detail: { ok: true } }, true, "AWS boolean"],
  ["boolean vs string", { detail: { ok: [true] } }, { detail: { ok: "true" } }, false, "RULER JSON text matching"],
  ["string vs boolean", { detail: { ok: ["true"] } }, { detail: { ok: true } }, false, "RULER JSON text matching"],
  ["number vs numeric string", { detail: { n: [5] } }, { detail: { n: "5" } }, false, "RULER (strings are quoted)"],
  ["numeric string vs number", { detail: { n: ["5"] } }, { detail: { n: 5 } }, false, "RULER"],
  // exact numbers are compared in event-ruler's canonical number form
  ["300 equals 300.0", '{"n":[300]}', '{"n":300.0}', true, "AWS number_comparison_float"],
  ["300 equals 3.0e2", '{"n":[300]}', '{"n":3.0e2}', true, "RULER numericEquals for exact numbers"],
  ["3e2 equals 300", '{"n":[3e2]}', '{"n":300}', true, "RULER"],
  ["0.1 equals 0.10", '{"n":[0.1]}', '{"n":0.10}', true, "RULER"],
  ["inexact literal compares by text", '{"n":[0.30000000000000000001]}', '{"n":0.30000000000000000001}', true, "RULER exactMatch text"],
  ["inexact literal vs nearby double", '{"n":[0.30000000000000000001]}', '{"n":0.3}', false, "RULER ComparableNumber rejects inexact"],
  ["inexact literal vs other spelling", '{"n":[0.30000000000000000001]}', '{"n":3.0000000000000000001e-1}', false, "RULER"],
  ["huge literal compares by text", '{"n":[123456789012345678901234567890]}', '{"n":123456789012345678901234567890}', true, "RULER"],
  ["huge literal differing spelling", '{"n":[123456789012345678901234567890]}', '{"n":1.2345678901234567890123456789e29}', false, "RULER"],
  ["account-like number", '{"n":[123456789012]}', '{"n":123456789012}', true, "RULER"],
  // prefix / suffix / equals-ignore-case / wildcard
  ["prefix", { time: [{ prefix: "2017-10-02" }] }, ec2, true, "DOCS"],
  ["prefix is case-sensitive", { source: [{ prefix: "AWS." }] }, ec2, false, "DOCS"],
  ["prefix only on strings", { detail: { "c-count": [{ prefix: "5" }] } }, ec2, false, "RULER README"],
  ["empty prefix matches any string", { source: [{ prefix: "" }] }, ec2, true, "AWS (localstack #12148)"],
  ["empty prefix does not match a number", { detail: { "c-count": [{ prefix: "" }] } }, ec2, false, "RULER"],
  ["suffix", { source: [{ suffix: "ec2" }] }, ec2, true, "RULER README"],
  ["suffix only on strings", { detail: { "c-count": [{ suffix: "5" }] } }, ec2, false, "RULER"],
  ["prefix equals-ignore-case", { source: [{ prefix: { "equals-ignore-case": "AWS.E" } }] }, ec2, true, "AWS content_prefix_ignorecase"],
  ["suffix equals-ignore-case", { source: [{ suffix: { "equals-ignore-case": "EC2" } }] }, ec2, true, "AWS content_suffix_ignorecase"],
  ["suffix equals-ignore-case miss", { source: [{ suffix: { "equals-ignore-case": "EC3" } }] }, ec2, false, "AWS content_suffix_ignorecase_NEG"],
  ["equals-ignore-case", { source: [{ "equals-ignore-case": "AWS.EC2" }] }, ec2, true, "AWS content_ignorecase"],
  ["equals-ignore-case is whole value", { source: [{ "equals-ignore-case": "AWS.EC" }] }, ec2, false, "AWS content_ignorecase_NEG"],
  ["equals-ignore-case empty vs non-empty", { detail: { v: [{ "equals-ignore-case": "" }] } }, { detail: { v: "test-value" } }, false, "AWS content_ignorecase_empty_NEG"],
  ["equals-ignore-case empty vs empty", { detail: { v: [{ "equals-ignore-case": "" }] } }, { detail: { v: "" } }, true, "AWS content_ignorecase_empty"],
  ["equals-ignore-case not on numbers", { detail: { v: [{ "equals-ignore-case": "5" }] } }, { detail: { v: 5 } }, false, "RULER README"],
  ["wildcard", { source: [{ wildcard: "aws.*2" }] }, ec2, true, "RULER README"],
  ["wildcard repeating", { f: [{ wildcard: "/Users/*/dir/dir/dir/dir/dir/doc.txt" }] }, { f: "/Users/ls_user/dir/dir/dir/dir/dir/doc.txt" }, true, "AWS content_wildcard_repeating"],
  ["wildcard repeating miss", { f: [{ wildcard: "/Users/*/dir/dir/dir/dir/dir/doc.txt" }] }, { f: "/Users/ls_user/dir/dir/dir/dir/doc.txt" }, false, "AWS content_wildcard_repeating_NEG"],
  ["wildcard star matches empty", { f: [{ wildcard: "a*b" }] }, { f: "ab" }, true, "RULER"],
  ["wildcard escaped star", { f: [{ wildcard: "a\\*b" }] }, { f: "a*b" }, true, "RULER README"],
  ["wildcard escaped star is literal", { f: [{ wildcard: "a\\*b" }] }, { f: "axb" }, false, "RULER README"],
  ["wildcard escaped backslash", { f: [{ wildcard: "a\\\\*" }] }, { f: "a\\zzz" }, true, "RULER README"],
  ["wildcard only strings", { f: [{ wildcard: "*" }] }, { f: 5 }, false, "RULER"],
  ["wildcard * matches empty string", { f: [{ wildcard: "*" }] }, { f: "" }, true, "RULER"],
  // anything-but
  ["anything-but string", { detail: { state: [{ "anything-but": "initializing" }] } }, ec2, true, "DOCS"],
  ["anything-but string excluded", { detail: { state: [{ "anything-but": "running" }] } }, ec2, false, "DOCS"],
  ["anything-but matches null", { detail: { s: [{ "anything-but": "initializing" }] } }, { detail: { s: null } }, true, "AWS content_anything_but_string_null"],
  ["anything-but needs the field", { detail: { s: [{ "anything-but": "initializing" }] } }, { detail: {} }, false, "AWS content_anything_but_string_missing_NEG"],
  ["anything-but list", { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, ec2, true, "DOCS"],
  ["anything-but list excluded", { detail: { state: [{ "anything-but": ["stopped", "running"] }] } }, ec2, false, "DOCS"],
  ["anything-but number", { detail: { "x-limit": [{ "anything-but": 123 }] } }, ec2, true, "DOCS"],
  ["anything-but number zero", { detail: { x: [{ "anything-but": 0 }] } }, { detail: { x: 789 } }, true, "AWS content_anything_but_number_zero"],
  ["anything-but number excluded", { detail: { x: [{ "anything-but": [100, 200, 300] }] } }, { detail: { x: 200 } }, false, "DOCS"],
  ["anything-but number canonical form", '{"x":[{"anything-but":[300]}]}', '{"x":3.0e2}', false, "RULER ComparableNumber"],
  ["anything-but number vs string", { x: [{ "anything-but": [300] }] }, { x: "300" }, true, "RULER (type differs)"],
  ["anything-but string vs number", { x: [{ "anything-but": ["300"] }] }, { x: 300 }, true, "RULER (type differs)"],
  ["anything-but on event array: any element", { x: [{ "anything-but": "a" }] }, { x: ["a", "b"] }, true, "RULER (value by value)"],
  ["anything-but on event array: all excluded", { x: [{ "anything-but": ["a", "b"] }] }, { x: ["a", "b"] }, false, "RULER"],
  ["anything-but prefix", { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, ec2, true, "DOCS"],
  ["anything-but prefix excluded", { detail: { state: [{ "anything-but": { prefix: "run" } }] } }, ec2, false, "DOCS"],
  ["anything-but prefix vs number", { detail: { s: [{ "anything-but": { prefix: "init" } }] } }, { detail: { s: 12 } }, true, "AWS content_anything_prefix_int_value"],
  ["anything-but prefix list", { s: [{ "anything-but": { prefix: ["a", "b"] } }] }, { s: "bcd" }, false, "AWS content_anything_prefix_list_NEG"],
  ["anything-but suffix", { s: [{ "anything-but": { suffix: ".png" } }] }, { s: "a.jpg" }, true, "AWS content_anything_suffix"],
  ["anything-but suffix excluded", { s: [{ "anything-but": { suffix: ".png" } }] }, { s: "a.png" }, false, "AWS content_anything_suffix_NEG"],
  ["anything-but equals-ignore-case", { s: [{ "anything-but": { "equals-ignore-case": ["Stopped"] } }] }, { s: "STOPPED" }, false, "AWS content_anything_but_ignorecase_NEG"],
  ["anything-but equals-ignore-case other", { s: [{ "anything-but": { "equals-ignore-case": ["Stopped"] } }] }, { s: "running" }, true, "AWS content_anything_but_ignorecase"],
  ["anything-but equals-ignore-case null", { s: [{ "anything-but": { "equals-ignore-case": ["a", "b"] } }] }, { s: null }, true, "AWS content_anything_but_ignorecase_list_null"],
  ["anything-but wildcard", { f: [{ "anything-but": { wildcard: "*/dir/*" } }] }, { f: "a/b/c" }, true, "AWS content_anything_wildcard"],
  ["anything-but wildcard excluded", { f: [{ "anything-but": { wildcard: "*/dir/*" } }] }, { f: "x/dir/y" }, false, "AWS content_anything_wildcard_NEG"],
  ["anything-but wildcard vs number", { f: [{ "anything-but": { wildcard: "*/dir/*" } }] }, { f: 123 }, true, "AWS content_anything_wildcard_int"],
  ["anything-but empty wildcard", { f: [{ "anything-but": { wildcard: "" } }] }, { f: "dir/init/file" }, true, "AWS content_anything_wildcard_empty"],
  // numeric
  ["numeric range", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } }, ec2, true, "RULER README"],
  ["numeric less than", { detail: { "d-count": [{ numeric: ["<", 10] }] } }, ec2, true, "RULER README"],
  ["numeric equals 3.018e2", { detail: { "x-limit": [{ numeric: ["=", 3.018e2] }] } }, ec2, true, "RULER README"],
  ["numeric open bound excluded", { n: [{ numeric: [">", 5] }] }, { n: 5 }, false, "RULER"],
  ["numeric closed bound included", { n: [{ numeric: [">=", 5] }] }, { n: 5 }, true, "RULER"],
  ["numeric upper open", { n: [{ numeric: [">", 0, "<", 5] }] }, { n: 5 }, false, "RULER"],
  ["numeric only on numbers", { n: [{ numeric: [">", 0] }] }, { n: "5" }, false, "RULER README (JSON numbers only)"],
  ["numeric 3e2 = 300", '{"n":[{"numeric":["=",300]}]}', '{"n":3e2}', true, "RULER"],
  ["numeric beyond ±5e9 (full double range)", { n: [{ numeric: [">", 1e10] }] }, { n: 1e11 }, true, "RULER #188 (float64 range)"],
  ["numeric tiny fractions", { n: [{ numeric: [">", 0.0000001] }] }, { n: 0.0000002 }, true, "RULER #188"],
  ["numeric vs inexact event literal", '{"n":[{"numeric":[">",0]}]}', '{"n":0.30000000000000000001}', false, "RULER (not comparable)"],
  ["numeric vs null", { n: [{ numeric: [">", 0] }] }, { n: null }, false, "RULER"],
  ["numeric on array: any element", { n: [{ numeric: [">", 10] }] }, { n: [1, 20] }, true, "RULER"],
  // extreme doubles: event-ruler compares a literal only when BigDecimal.valueOf(double) equals it
  ["numeric: 4.9e-324 is Double.MIN_VALUE as Java prints it", '{"n":[{"numeric":[">",0]}]}', '{"n":4.9e-324}', true, "RULER ComparableNumber (2.0.1, JDK 17 and 25)"],
  ["numeric: 5e-324 is not comparable (Java prints 4.9E-324)", '{"n":[{"numeric":[">",0]}]}', '{"n":5e-324}', false, "RULER ComparableNumber"],
  ["numeric: the object number 5e-324 is sent as 5e-324", { n: [{ numeric: [">", 0] }] }, { n: 5e-324 }, false, "RULER (JSON text of the object)"],
  ["numeric: 9.9e-324 compares, 1e-323 does not", '{"n":[{"numeric":[">",0]}]}', '{"n":9.9e-324}', true, "RULER ComparableNumber (JDK 19+ Double.toString)"],
  ["exact 5e-324 matches its own text", '{"n":[5e-324]}', '{"n":5e-324}', true, "RULER exactMatch text"],
  ["exact 5e-324 is not 4.9e-324", '{"n":[5e-324]}', '{"n":4.9e-324}', false, "RULER"],
  ["exact 4.9e-324 equals 4.9E-324", '{"n":[4.9e-324]}', '{"n":4.9E-324}', true, "RULER numericEquals"],
  ["exact 4.9e-324 is not 5e-324", '{"n":[4.9e-324]}', '{"n":5e-324}', false, "RULER"],
  ["-0 equals 0 (BigDecimal has no negative zero)", '{"n":[{"numeric":["=",0]}]}', '{"n":-0}', true, "RULER ComparableNumber"],
  ["-0 is not below 0", '{"n":[{"numeric":["<",0]}]}', '{"n":-0}', false, "RULER"],
  ["exact 0 matches -0.0", '{"n":[0]}', '{"n":-0.0}', true, "RULER"],
  ["anything-but 0 excludes -0", '{"n":[{"anything-but":[0]}]}', '{"n":-0}', false, "RULER"],
  ["the largest double in a closed range", '{"n":[{"numeric":[">",1e308,"<=",1.7976931348623157e308]}]}', '{"n":1.7976931348623157e308}', true, "RULER"],
  ["beyond the double range: no numeric match", '{"n":[{"numeric":[">",0]}]}', '{"n":1E400}', false, "RULER (not comparable)"],
  ["beyond the double range: exact text", '{"n":[1e400]}', '{"n":1e400}', true, "RULER exactMatch text"],
  ["beyond the double range: other spelling", '{"n":[1e400]}', '{"n":1E400}', false, "RULER"],
  // cidr and IP values
  ["cidr ipv4", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, ec2, true, "RULER README"],
  ["cidr ipv4 outside", { ip: [{ cidr: "10.0.0.0/24" }] }, { ip: "10.0.1.1" }, false, "AWS content_ip_address_NEG"],
  ["cidr invalid address", { ip: [{ cidr: "10.0.0.0/24" }] }, { ip: "10.0.0.256" }, false, "AWS content_ip_address_NEG"],
  ["cidr vs number", { ip: [{ cidr: "10.0.0.0/24" }] }, { ip: 123 }, false, "AWS content_ip_address_bad_type_NEG"],
  ["cidr ipv6", { ip: [{ cidr: "2001:db8:1234:1a00::/64" }] }, { ip: "2001:0db8:1234:1a00:0000:0000:0000:0000" }, true, "AWS content_ip_address_v6"],
  ["cidr ipv6 outside", { ip: [{ cidr: "2001:db8:1234:1a00::/64" }] }, { ip: "2001:0db8:123f:1a01:0000:0000:0000:0000" }, false, "AWS content_ip_address_v6_NEG"],
  ["cidr ipv6 compressed event", { ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:db8::1" }, true, "RULER CIDR"],
  ["cidr family mismatch", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "::1" }, false, "RULER CIDR"],
  ["exact IP value compares as address", { ip: ["::1"] }, { ip: "0:0:0:0:0:0:0:1" }, true, "RULER ipToRangeIfPossible"],
  ["exact IPv4 value", { ip: ["10.0.0.1"] }, { ip: "10.0.0.1" }, true, "RULER"],
  // event-ruler's IP ranges are hex-digit ranges read digit by digit (CIDR, ByteMachine):
  // a value matches once its digits are strictly inside, or equal a bound over its length,
  // and a number's own text is tried too unless the field has numeric patterns. All
  // checked against event-ruler 2.0.1 (912 random cases agree).
  ["cidr clears the host bits", { ip: [{ cidr: "10.0.0.5/24" }] }, { ip: "10.0.0.1" }, true, "RULER CIDR.computeBottomBytes"],
  ["cidr /0 matches the number 10 (digits 1, 0 inside 00000000-FFFFFFFF)", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: 10 }, true, "RULER ByteMachine.transitionOn"],
  ["cidr /0 does not match the number 0 (needs more digits)", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: 0 }, false, "RULER"],
  ["cidr /0 does not match 0.5 or -1", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: -1 }, false, "RULER"],
  ["cidr 16.0.0.0/4 matches the number 12", { ip: [{ cidr: "16.0.0.0/4" }] }, { ip: 12 }, true, "RULER"],
  ["cidr 16.0.0.0/4 does not match 10", { ip: [{ cidr: "16.0.0.0/4" }] }, { ip: 10 }, false, "RULER"],
  ["cidr vs the number 10 in a text event", '{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":10}', true, "RULER"],
  ["cidr never matches booleans", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: false }, false, "RULER (f is not an upper-case hex digit)"],
  ["cidr never matches null", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: null }, false, "RULER"],
  ["cidr never matches an object", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: { a: "10.0.0.1" } }, false, "RULER (no leaf at ip)"],
  ["cidr: any element of an array", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: [true, 5, "10.1.2.3"] }, true, "RULER"],
  ["cidr: a number is not tried when the field has a numeric pattern", { ip: [{ cidr: "0.0.0.0/0" }, { numeric: ["<", 0] }] }, { ip: 10 }, false, "RULER (hasNumeric)"],
  ["cidr: nor when an exact number shares the machine through $or", { $or: [{ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: [12] }] }, { ip: 5 }, false, "RULER (one machine for ip)"],
  ["cidr: an IPv6 address in an IPv4 block (first 8 digits)", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "a00::1" }, true, "RULER"],
  ["cidr: an IPv4 address in ::/0", { ip: [{ cidr: "::/0" }] }, { ip: "1.2.3.4" }, true, "RULER"],
  ["cidr: 0.0.0.0 is not in ::/0 (8 digits equal the bound, 32 needed)", { ip: [{ cidr: "::/0" }] }, { ip: "0.0.0.0" }, false, "RULER"],
  ["exact IP value matches a number with the same digits", { ip: ["16.0.0.1"] }, { ip: 10000001 }, true, "RULER ipToRangeIfPossible"],
  ["exact IP value matches an IPv6 address starting alike", { ip: ["10.0.0.1"] }, { ip: "a00:1::" }, true, "RULER"],
  // exists
  ["exists true", { detail: { "c-count": [{ exists: true }] } }, ec2, true, "RULER README"],
  ["exists false on missing", { detail: { nope: [{ exists: false }] } }, ec2, true, "RULER README"],
  ["exists false on present", { detail: { state: [{ exists: false }] } }, ec2, false, "AWS content_exists_false_NEG"],
  ["exists true on null", { detail: { s: [{ exists: true }] } }, { detail: { s: null } }, true, "RULER (null is a value)"],
  ["exists true on object (not a leaf)", { detail: { c: [{ exists: true }] } }, { detail: { c: { c1: 100 } } }, false, "DOCS exists on leaves only"],
  ["exists false on object (not a leaf)", { detail: { c: [{ exists: false }] } }, { detail: { c: { c1: 100 } } }, true, "DOCS (c-count is not a leaf)"],
  ["exists true on empty array", { r: [{ exists: true }] }, { r: [] }, false, "RULER (no leaf value)"],
  ["exists false on empty array", { r: [{ exists: false }] }, { r: [] }, true, "RULER"],
  ["exists false, missing parent", { detail: { a: { b: [{ exists: false }] } } }, { source: "x" }, true, "RULER (absent leaf)"],
  ["exists true, missing parent", { detail: { a: { b: [{ exists: true }] } } }, { source: "x" }, false, "RULER"],
  ["exists true in array of objects", { detail: { automations: { id: [{ exists: true }] } } }, { detail: { automations: [{ k: 1 }, { id: "x" }] } }, true, "AWS list_within_dict"],
  ["exists true on intermediate node", { dynamodb: { presentKey: [{ exists: true }] } }, { dynamodb: { presentKey: { S: "x" } } }, false, "AWS exists_dynamodb_NEG"],
  ["exists false or anything-but", { d: { h: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } }, { d: { p: { N: "1" } } }, true, "AWS or-exists-parent"],
  // arrays of objects: array consistency
  ["array of objects, same element", { e: { first: ["Anna"], last: ["Smith"] } }, { e: [{ first: "John", last: "Doe" }, { first: "Anna", last: "Smith" }] }, true, "RULER README"],
  ["array of objects, different elements", { e: { first: ["Anna"], last: ["Jones"] } }, { e: [{ first: "Anna", last: "Smith" }, { first: "Peter", last: "Jones" }] }, false, "RULER README (rulesForJSONEvent)"],
  ["nested arrays crushed out", { e: { first: ["Peter"] } }, { e: [[{ first: "John" }], [{ first: "Peter" }]] }, true, "RULER README"],
  ["arrays of scalars are not elements", { a: ["x"], b: ["y"] }, { a: ["x", "z"], b: ["q", "y"] }, true, "RULER (scalars carry no membership)"],
  ["consistency across nesting", { o: { i: { v: [1] }, w: [2] } }, { o: [{ i: [{ v: 1 }], w: 2 }, { i: [{ v: 3 }], w: 4 }] }, true, "RULER"],
  ["consistency across nesting, mixed", { o: { i: { v: [3] }, w: [2] } }, { o: [{ i: [{ v: 1 }], w: 2 }, { i: [{ v: 3 }], w: 4 }] }, false, "RULER"],
  // $or
  ["$or first branch", { source: ["aws.ec2"], $or: [{ detail: { state: ["running"] } }, { detail: { "c-count": [9] } }] }, ec2, true, "RULER README"],
  ["$or second branch", { $or: [{ source: ["x"] }, { detail: { "c-count": [5] } }] }, ec2, true, "RULER README"],
  ["$or no branch", { $or: [{ source: ["x"] }, { detail: { "c-count": [6] } }] }, ec2, false, "RULER README"],
  ["nested $or", { source: ["aws.ec2"], $or: [{ a: ["1"] }, { detail: { state: ["running"] }, $or: [{ detail: { "c-count": [1] } }, { detail: { "d-count": [3] } }] }] }, ec2, true, "RULER README"],
  ["$or inside detail", { detail: { $or: [{ state: ["stopped"] }, { "instance-id": [{ prefix: "i-" }] }] } }, ec2, true, "RULER README (parallel or)"],
  // "$or" that is not a valid or-operator is an ordinary field name (event-ruler falls back
  // to RuleCompiler: README "The backward compatibility of using $or as field name",
  // src/test/data/normalRulesWithOrWording.json); all checked against event-ruler 2.0.1
  ["legacy $or: an object is a nested field", { source: ["s"], $or: { metricType: ["MetricType"], namespace: ["AWS/EC2"] } }, { source: "s", $or: { metricType: "MetricType", namespace: "AWS/EC2" } }, true, "RULER README"],
  ["legacy $or: not matched by the fields inside", { $or: { a: ["1"] } }, { a: "1" }, false, "RULER"],
  ["legacy $or: one operator object", { $or: [{ cidr: "10.0.0.0/24" }] }, { $or: "10.0.0.5" }, true, "RULER normalRulesWithOrWording.json"],
  ["legacy $or: operators are reserved words in an or", { detail: { $or: [{ numeric: [">", 0, "<=", 5] }, { cidr: "10.0.0.0/8" }] } }, { detail: { $or: 3 } }, true, "RULER normalRulesWithOrWording.json"],
  ["legacy $or: two numeric ranges", { detail: { $or: [{ numeric: [">", 0, "<=", 5] }, { numeric: [">", 10] }] } }, { detail: { $or: 11 } }, true, "RULER normalRulesWithOrWording.json"],
  ["legacy $or: two numeric ranges, miss", { detail: { $or: [{ numeric: [">", 0, "<=", 5] }, { numeric: [">", 10] }] } }, { detail: { $or: 7 } }, false, "RULER"],
  ["legacy $or: prefix or suffix", { $or: [{ prefix: "a" }, { suffix: "b" }] }, { $or: "xb" }, true, "RULER"],
  ["legacy $or: plain values", { $or: ["x", "y"] }, { $or: "y" }, true, "RULER"],
  ["legacy $or: exists and prefix", { a: { $or: [{ exists: true }, { prefix: "z" }] } }, { a: { $or: "q" } }, true, "RULER"],
  ["legacy $or: exactly or equals-ignore-case", { $or: [{ exactly: "a" }, { "equals-ignore-case": "B" }] }, { $or: "b" }, true, "RULER"],
  ["a valid $or stays an operator", { $or: [{ a: ["1"] }, { b: ["2"] }], d: ["4"] }, { b: "2", d: "4" }, true, "RULER"],
  // dots in keys
  ["dotted pattern key equals nesting", { detail: { "state.status": ["running"] } }, { detail: { state: { status: "running" } } }, true, "AWS dot_joining_pattern"],
  ["dotted event key equals nesting", { detail: { state: { status: ["running"] } } }, { detail: { "state.status": "running" } }, true, "RULER README caveat"],
  ["dotted event key, deeper", { detail: { state: { status: ["running"] } } }, { detail: { "state.status": { status: "running" } } }, false, "AWS dot_joining_event_NEG"],
  // event-ruler joins every step with "." (Path.name), empty keys too, and skips an event key
  // that is not a step some rule uses (isFieldStepUsed, with Java's split dropping trailing
  // empty strings); all checked against event-ruler 2.0.1
  ["dotted pattern key vs dotted event key", { "a.b": ["x"] }, { "a.b": "x" }, true, "RULER Path / isFieldStepUsed"],
  ["dotted keys at two levels", { a: { "b.c": ["x"] } }, { "a.b": { c: "x" } }, true, "RULER"],
  ["empty key", { "": ["x"] }, { "": "x" }, true, "RULER"],
  ["empty key over b in a pattern names b", { "": { b: ["x"] } }, { b: "x" }, true, "RULER Path.extendedName (no dot after an empty base)"],
  ["empty key over b in an event is .b", { "": { b: ["x"] } }, { "": { b: "x" } }, false, "RULER Path.name"],
  ["b does not match an event's .b", { b: ["x"] }, { "": { b: "x" } }, false, "RULER Path.name"],
  [".b matches an event's .b", { ".b": ["x"] }, { "": { b: "x" } }, true, "RULER"],
  ["a trailing empty key is never a used step", { a: { "": ["x"] } }, { a: { "": "x" } }, false, "RULER isFieldStepUsed (split drops the empty step)"],
  ["a trailing empty key matches a dotted event key", { a: { "": ["x"] } }, { "a.": "x" }, true, "RULER"],
  ["pattern a. vs nested empty key", { "a.": ["x"] }, { a: { "": "x" } }, false, "RULER"],
  ["an inner empty key is a used step", { a: { "": { b: ["x"] } } }, { a: { "": { b: "x" } } }, true, "RULER"],
  ["an inner empty key as a dotted event key", { a: { "": { b: ["x"] } } }, { "a..b": "x" }, true, "RULER"],
  ["a..b vs nested empty key", { "a..b": ["x"] }, { a: { "": { b: "x" } } }, true, "RULER"],
  ["two empty keys in a pattern name the empty field", { "": { "": ["x"] } }, { "": "x" }, true, "RULER Path.extendedName"],
  ["two empty keys in an event are the field .", { "": { "": ["x"] } }, { "": { "": "x" } }, false, "RULER"],
  ["the field .", { ".": ["x"] }, { ".": "x" }, true, "RULER"],
  ["empty step unused by any field of the rule", { a: { b: ["x"] }, c: { "": ["y"] } }, { a: { b: "x" }, c: { "": "y" } }, false, "RULER isFieldStepUsed"],
  ["exists false with an empty inner key", { a: [{ exists: false }] }, { a: { "": "x" } }, true, "RULER"],
  // prefix and suffix see the value with its JSON quotes (event-ruler compares quoted strings)
  ["prefix ending in a quote matches the whole value", { s: [{ prefix: 'abc"' }] }, { s: "abc" }, true, "RULER (prefix is '\"' + text)"],
];

describe("matchesPattern: corner cases", () => {
  it.each(cases)("%s", (_name, pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
    expect(explainMatch(pattern, event).matches).toBe(expected);
  });
});

describe("explainMatch", () => {
  it("names the field, the expectation, the value seen and the case hint", () => {
    const result = explainMatch(
      { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] },
      { source: "agent2.ingestor", "detail-type": "Document processing required", detail: {} },
    );
    expect(result.matches).toBe(false);
    expect(result.mismatches).toHaveLength(1);
    const [m] = result.mismatches;
    expect(m).toMatchObject({ path: "detail-type", actual: "Document processing required", present: true, hint: "differs only in case" });
    expect(m!.message).toBe('detail-type: expected one of ["Document Processing Required"], got "Document processing required" (differs only in case)');
  });

  it("hints at surrounding spaces, numeric strings and fields at other paths", () => {
    expect(explainMatch({ s: ["a"] }, { s: " a " }).mismatches[0]!.hint).toBe("surrounding spaces");
    expect(explainMatch({ n: [{ numeric: [">", 1] }] }, { n: "5" }).mismatches[0]!.hint).toMatch(/number vs numeric string/);
    const moved = explainMatch({ detail: { status: ["done"] } }, { detail: { job: { status: "done" } } }).mismatches[0]!;
    expect(moved).toMatchObject({ present: false, actual: undefined });
    expect(moved.hint).toBe("field present at detail.job.status");
    expect(moved.message).toContain("got nothing (the field is absent)");
  });

  it("spots a detail left as JSON text", () => {
    const m = explainMatch({ detail: { status: ["done"] } }, { detail: '{"status":"done"}' }).mismatches[0]!;
    expect(m.hint).toBe("detail is a string holding JSON, not an object");
  });

  it("reports the closest $or alternative and never an empty list", () => {
    const result = explainMatch({ a: ["1"], $or: [{ b: ["2"], c: ["3"] }, { d: ["4"] }] }, { a: "1", b: "2", c: "x" });
    expect(result.matches).toBe(false);
    expect(result.closestAlternative).toEqual({ index: 0, of: 2 });
    expect(result.mismatches.map((m) => m.path)).toEqual(["c"]);
  });

  it("explains an array-consistency miss", () => {
    const result = explainMatch({ e: { first: ["Anna"], last: ["Jones"] } }, { e: [{ first: "Anna", last: "Smith" }, { first: "Peter", last: "Jones" }] });
    expect(result.matches).toBe(false);
    expect(result.mismatches[0]!.message).toMatch(/different elements of the same array/);
  });
});

// Preloaded with `node --require` by tests that prove a command does not load the AWS SDK
// before it needs it: loading any @aws-sdk/ module fails the process loudly.
"use strict";
const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (typeof request === "string" && request.startsWith("@aws-sdk/")) {
    process.stderr.write(`AWS SDK LOADED: ${request}\n`);
    process.exit(99);
  }
  return load.call(this, request, ...rest);
};

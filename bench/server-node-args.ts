/**
 * Node flags of every server process, the webhook and the ceiling alike: the ones the image and
 * `make run` start `serve` with (Dockerfile ENTRYPOINT, Makefile `run`; docs/serve.md "Operational
 * defaults" says why).
 */
export const SERVER_NODE_ARGS: readonly string[] = ["--v8-pool-size=1", "--max-old-space-size=256"];

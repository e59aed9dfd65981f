# gitops-guard image. Built by `make e2e-kind` (needs Docker; not available on the machines this
# project is developed on, so the image is not built in CI).
FROM node:26-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY policy ./policy
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:26-slim
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/policy ./policy
USER 65532:65532
# --v8-pool-size=1: one V8 background thread instead of four, so garbage-collection helpers do not
# compete with the request and decision threads for the CPUs; --max-old-space-size=256: the main
# thread's old generation is collected before it grows past 256 MiB, so hostile traffic (large and
# deep bodies) cannot take the pod past its 512 MiB limit (docs/serve.md "Operational defaults").
ENTRYPOINT ["node", "--v8-pool-size=1", "--max-old-space-size=256", "/app/dist/src/bin/gitops-guard.js"]
CMD ["serve"]

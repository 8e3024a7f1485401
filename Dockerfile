# Container image of actionport's CDK GitHub Action (action.yml).
# Stage 1 builds the Go entrypoint; stage 2 is a slim Node image with a
# pinned AWS CDK CLI installed globally.
#
# Base images are pinned by tag and by digest, so a rebuilt tag cannot
# change the image underneath a release;
# .github/dependabot.yml proposes updates of both. The build stage runs on
# the build machine's platform and cross-compiles for the target platform
# (TARGETOS/TARGETARCH, set by BuildKit), so a linux/arm64 image needs no
# emulated Go toolchain.

FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd/ ./cmd/
COPY internal/ ./internal/
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w" -o /out/actionport-action ./cmd/action

FROM node:22.21.1-bookworm-slim@sha256:25b3eb23a00590b7499f2a2ce939322727fcce1b15fdd69754fcd09536a3ae2c
ARG AWS_CDK_VERSION=2.1148.1
RUN npm install --global --no-audit --no-fund --no-update-notifier "aws-cdk@${AWS_CDK_VERSION}" \
 && npm cache clean --force \
 && cdk --version
ENV CDK_DISABLE_VERSION_CHECK=true \
    NO_UPDATE_NOTIFIER=1
COPY --from=build /out/actionport-action /usr/local/bin/actionport-action
# action.yml's runs.post-entrypoint: the same binary, which runs the post step
# (clearing the exported credentials) when started under this name.
RUN ln -s actionport-action /usr/local/bin/actionport-action-post
ENTRYPOINT ["/usr/local/bin/actionport-action"]

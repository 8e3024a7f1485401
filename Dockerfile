# Container image of actionport's CDK GitHub Action (action.yml).
# Stage 1 builds the Go entrypoint; stage 2 is a slim Node image with a
# pinned AWS CDK CLI installed globally.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd/ ./cmd/
COPY internal/ ./internal/
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/actionport-action ./cmd/action

FROM node:22.21.1-bookworm-slim
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

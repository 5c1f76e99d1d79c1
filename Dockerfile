# syntax=docker/dockerfile:1
# ImageGate container image.
#
#   docker build -t imagegate .                      # the general-purpose image (non-root, the default target)
#   docker build --target action -t imagegate:action .   # the image the GitHub Action runs
#
# Build stage: one self-contained, trimmed, ReadyToRun single-file executable (scripts/publish.sh).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TARGETARCH=amd64
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)"

# Common base: Ubuntu "chiseled" runtime dependencies only (glibc, libstdc++, OpenSSL, CA certificates,
# zlib; no shell, no package manager). ICU is not needed: the binary uses invariant globalization.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS base
COPY --from=build /src/artifacts/imagegate/ /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/imagegate"]
CMD ["--help"]

# The GitHub Action image. GitHub runs container actions with `--workdir /github/workspace`, the
# workspace and the runner's file-command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) mounted from the
# host and owned by the runner's user, whose id differs between hosted and self-hosted runners. GitHub's
# Dockerfile guidance is to run as root with no WORKDIR; a non-root user could not write the SARIF file,
# the pinned manifests or the step outputs. So this target runs as root (only inside the job's
# throw-away container); files it writes into the workspace are owned by root, as with every container
# action.
FROM base AS action
USER 0:0

# The general-purpose image (last stage, so the default target): runs as the base image's non-root
# `app` user (uid 1654). Mount the files to check at /work; to write reports into the mount, run with
# `--user "$(id -u):$(id -g)"`.
FROM base AS runtime
USER $APP_UID
WORKDIR /work

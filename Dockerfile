# The image runs `dailypapers run` (docs/deploy/compose.yaml runs workers and a scheduler from it too).
# Build:  docker build -t dailypapers .
# Run:  docker run --rm -e OPENAI_API_KEY -e DAILYPAPERS_LLM=openai/gpt-4o-mini \
#         -v dailypapers:/data dailypapers --lang ko
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DAILYPAPERS_HOME=/data
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir '.[postgres]' && useradd --create-home --uid 10001 papers && mkdir /data \
    && chown papers /data
USER papers
VOLUME ["/data"]
ENTRYPOINT ["dailypapers", "--log-format", "json", "run"]

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph_cdp ./graph_cdp
COPY api ./api
COPY cypher ./cypher
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["graph-cdp", "serve"]

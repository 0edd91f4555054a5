#!/usr/bin/env bash
# Builds the benchmarks module and runs LoadBenchmark: GET /protected with a logged-in session
# cookies on embedded Jetty behind no filter, Portcullis, Spring Security oauth2Login and pac4j,
# interleaved, with wrk (installed from Debian when missing and possible) or else the Java load
# generator. Options are passed on, e.g. --rounds 10 --seconds 5 --users 16 --sessions 1000
# (see LoadBenchmark's javadoc; --generator java forces the Java generator).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing wrk (Debian package)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed (apt-get install -y wrk): using the Java load generator" >&2
fi

if [ "${SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -pl benchmarks -am package -DskipTests
fi

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "java: $(java -version 2>&1 | head -1)"
if command -v wrk >/dev/null 2>&1; then
  echo "wrk: $(wrk -v 2>&1 | head -1)"
else
  echo "wrk: not installed"
fi
echo "versions (top pom.xml): $(grep -oE '<(jetty|bench-spring-framework|bench-spring-security|pac4j|jakartaee-pac4j|mock-oauth2-server)\.version>[^<]+' pom.xml | sed 's/<//; s/\.version>/=/' | tr '\n' ' ')"

exec java -Xms1g -Xmx1g -XX:+UseG1GC \
  -cp benchmarks/target/benchmarks.jar io.portcullis.benchmarks.load.LoadBenchmark "$@"

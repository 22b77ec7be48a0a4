#!/usr/bin/env bash
# Fetches the Java side of the version matrix from Maven Central into a cache outside the repository:
#   scripts/fetch-maven.sh                       both parts at their pinned versions
#   scripts/fetch-maven.sh zookeeper [VERSION]   a ZooKeeper server, laid out like a release
#                                                (lib/*.jar, conf/logback.xml): a ZOOKEEPER_HOME
#   scripts/fetch-maven.sh curator [VERSION]     Curator recipes, framework, client, x-discovery and
#                                                what they need (lib/*.jar), for the interop peer
#   scripts/fetch-maven.sh kafka [VERSION]       an Apache Kafka broker in ZooKeeper mode (kafka_2.13,
#                                                lib/*.jar, conf/log4j.properties), for LocalKafka
# Cache: ${ZK_COOKBOOK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zk-cookbook}/maven/<name>-<version>.
# A part already in the cache is not fetched again: a second run touches no network. Maven resolves
# through the user's own settings (~/.m2), so a mirror configured there is used.
set -euo pipefail

# The newest 3.9 patch, the release compose/zookeeper.yml pins; and the newest Curator 5.x.
ZOOKEEPER_PINNED=3.9.5
CURATOR_PINNED=5.9.0
# Kafka 3.9 is the last release line with ZooKeeper mode (4.0 removed it): its newest patch.
KAFKA_PINNED=3.9.2

cache_root="${ZK_COOKBOOK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zk-cookbook}"
maven_cache="$cache_root/maven"

die() {
  echo "fetch-maven: $*" >&2
  exit 1
}

command -v mvn >/dev/null 2>&1 || die "needs Maven (mvn) to fetch from Maven Central: apt-get install maven"

major_minor() { echo "$1" | cut -d. -f1-2; }

# What a complete part holds, written into its .complete marker. Raise a part's layout when its pom
# changes, so that a cache filled by an older script is fetched again instead of silently lacking
# the new jars (zookeeper layout 2 added the Prometheus metrics provider).
zookeeper_layout=2
curator_layout=1
kafka_layout=1
layout_of() { local variable="${1}_layout"; echo "layout ${!variable}"; }
# A marker from before layouts were recorded is empty: that is layout 1.
recorded_layout() { local marker="$1"; if [ -s "$marker" ]; then head -1 "$marker"; else echo "layout 1"; fi; }

# The parts below exclude netty-tcnative-boringssl-static: five platform builds of OpenSSL (15 MB)
# that only a TLS client port would load; the test ensembles speak plain TCP.
zookeeper_pom() {
  local version="$1"
  cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.zk-cookbook</groupId>
  <artifactId>zookeeper-server</artifactId>
  <version>$version</version>
  <packaging>pom</packaging>
  <!-- ZooKeeper's own dependency versions: the set its release was built and tested with. -->
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.zookeeper</groupId>
        <artifactId>parent</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.zookeeper</groupId>
      <artifactId>zookeeper</artifactId>
      <version>$version</version>
      <exclusions>
        <exclusion><groupId>io.netty</groupId><artifactId>netty-tcnative-boringssl-static</artifactId></exclusion>
      </exclusions>
    </dependency>
    <!-- "provided" in ZooKeeper's pom but shipped in its release lib/: the server needs them at run
         time (logging binding, latency histograms, snapshot compression, the CLI). Jetty and
         Jackson serve only the AdminServer, which the test ensembles switch off. -->
    <dependency><groupId>ch.qos.logback</groupId><artifactId>logback-classic</artifactId></dependency>
    <dependency><groupId>io.dropwizard.metrics</groupId><artifactId>metrics-core</artifactId></dependency>
    <dependency><groupId>org.xerial.snappy</groupId><artifactId>snappy-java</artifactId></dependency>
    <dependency><groupId>commons-cli</groupId><artifactId>commons-cli</artifactId></dependency>
    <!-- The Prometheus metrics provider (metricsProvider.className=...PrometheusMetricsProvider), as in
         the release's lib/ and the zookeeper image that compose/zookeeper.yml runs: a test checks the
         Grafana dashboard's queries against a real server's /metrics. Not every patch is published
         on Maven Central (3.9.5's is not: the newest there is 3.9.4), so the range takes the newest of
         the server's own line up to its version; the provider only implements ZooKeeper's
         MetricsProvider interface, unchanged within a line. Its HTTP endpoint runs on Jetty, which
         the provider declares "provided". -->
    <dependency>
      <groupId>org.apache.zookeeper</groupId>
      <artifactId>zookeeper-prometheus-metrics</artifactId>
      <version>[$(major_minor "$version").0,$version]</version>
    </dependency>
    <dependency><groupId>org.eclipse.jetty</groupId><artifactId>jetty-server</artifactId></dependency>
    <dependency><groupId>org.eclipse.jetty</groupId><artifactId>jetty-servlet</artifactId></dependency>
  </dependencies>
</project>
EOF
}

curator_pom() {
  local version="$1"
  cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.zk-cookbook</groupId>
  <artifactId>curator-peer</artifactId>
  <version>$version</version>
  <packaging>pom</packaging>
  <!-- The ZooKeeper client is the one Curator declares: what a Curator $version user gets. -->
  <dependencies>
    <dependency>
      <groupId>org.apache.curator</groupId>
      <artifactId>curator-recipes</artifactId>
      <version>$version</version>
      <exclusions>
        <exclusion><groupId>io.netty</groupId><artifactId>netty-tcnative-boringssl-static</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.curator</groupId>
      <artifactId>curator-x-discovery</artifactId>
      <version>$version</version>
    </dependency>
    <!-- Curator logs through slf4j 1.7; the peer's stdout is its protocol, so log nowhere. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
}

# The broker as the release's libs/ has it, less the tools, Connect and Streams. Kafka's own ZooKeeper
# client (the 3.8 line kafka_2.13 declares) comes with it: the broker talks to our ensemble through it.
kafka_pom() {
  local version="$1"
  cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.zk-cookbook</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>$version</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$version</version>
      <exclusions>
        <exclusion><groupId>io.netty</groupId><artifactId>netty-tcnative-boringssl-static</artifactId></exclusion>
      </exclusions>
    </dependency>
    <!-- The logging binding the release ships (slf4j 1.7 over reload4j): without one the broker logs
         nothing, and a broker that fails to start would leave an empty log to quote. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
}

# Logs to stdout, which LocalKafka sends to each broker's log file, at INFO; the request, state-change
# and ZooKeeper client loggers at WARN, so that a test's broker logs stay small.
kafka_log4j_properties() {
  cat <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=%d{HH:mm:ss,SSS} %-5p [%c{1}] %m%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.zookeeper=WARN
EOF
}

# Logs to stderr, which LocalEnsemble sends to each member's log file, at INFO (logback's default
# without a configuration is DEBUG, megabytes per test).
zookeeper_logback_xml() {
  cat <<'EOF'
<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder>
      <pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="CONSOLE" />
  </root>
</configuration>
EOF
}

# fetch NAME VERSION: builds $maven_cache/NAME-VERSION in a scratch directory and renames it into
# place, so an interrupted or concurrent run never leaves a half-filled directory that looks done.
fetch() {
  local name="$1" version="$2"
  local target="$maven_cache/$name-$version"
  if [ -f "$target/.complete" ] && [ "$(recorded_layout "$target/.complete")" = "$(layout_of "$name")" ]; then
    echo "fetch-maven: $name $version cached in $target"
    return 0
  fi
  mkdir -p "$maven_cache"
  local scratch
  scratch="$(mktemp -d "$maven_cache/.$name-$version.XXXXXX")"
  "${name}_pom" "$version" >"$scratch/pom.xml"
  echo "fetch-maven: fetching $name $version and its dependencies from Maven Central"
  local started=$SECONDS
  if ! mvn -B -q -f "$scratch/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$scratch/lib" >"$scratch/mvn.log" 2>&1; then
    echo "fetch-maven: could not fetch $name $version (org.apache.${name}) from Maven Central." >&2
    echo "  Is the registry reachable (or a mirror set in ~/.m2/settings.xml)? Maven said:" >&2
    # Maven colours its lines and pads its one real error with advice on re-running it: keep the error.
    sed 's/\x1b\[[0-9;]*m//g' "$scratch/mvn.log" | grep -E '^\[ERROR\] [^ ]' |
      grep -vE 're-run Maven|Re-run Maven|For more information|^\[ERROR\] \[Help' | head -5 | sed 's/^/  /' >&2 ||
      tail -5 "$scratch/mvn.log" >&2
    rm -rf "$scratch"
    exit 1
  fi
  if [ "$name" = zookeeper ]; then
    mkdir -p "$scratch/conf"
    zookeeper_logback_xml >"$scratch/conf/logback.xml"
  fi
  if [ "$name" = kafka ]; then
    mkdir -p "$scratch/conf"
    kafka_log4j_properties >"$scratch/conf/log4j.properties"
  fi
  rm -f "$scratch/mvn.log"
  layout_of "$name" >"$scratch/.complete"
  # A directory without the marker (an interrupted run) or with an older layout is replaced. It is
  # renamed aside first rather than deleted in place, so a server started from it a moment ago keeps
  # its jars, and the gap in which no directory is there is two renames long.
  if [ -e "$target" ] && { [ ! -f "$target/.complete" ] || [ "$(recorded_layout "$target/.complete")" != "$(layout_of "$name")" ]; }; then
    local outdated="$maven_cache/.$name-$version.outdated.$$"
    mv "$target" "$outdated" 2>/dev/null || true
    rm -rf "$outdated"
  fi
  # -T: should another run have put its directory there first, fail rather than move into it.
  if ! mv -T "$scratch" "$target" 2>/dev/null; then
    rm -rf "$scratch" # another run finished first; its jars are the same
  fi
  echo "fetch-maven: $name $version in $target ($(du -sh "$target" | cut -f1), $((SECONDS - started)) s)"
}

part="${1:-all}"
case "$part" in
  all)
    fetch zookeeper "$ZOOKEEPER_PINNED"
    fetch curator "$CURATOR_PINNED"
    fetch kafka "$KAFKA_PINNED"
    ;;
  zookeeper) fetch zookeeper "${2:-$ZOOKEEPER_PINNED}" ;;
  curator) fetch curator "${2:-$CURATOR_PINNED}" ;;
  kafka) fetch kafka "${2:-$KAFKA_PINNED}" ;;
  *) die "unknown part '$part' (all, zookeeper [VERSION], curator [VERSION], kafka [VERSION])" ;;
esac

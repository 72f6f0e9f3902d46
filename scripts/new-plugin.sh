#!/usr/bin/env bash
# Starts a provider plugin of your own from the Acme example: a complete Maven project, built
# against the published plugin parent, with the adapter, its stream reader, a fake upstream and
# the contract tests, renamed for your vendor. Edit the wire format to your vendor's; the
# contract tests say what is still wrong.
#   scripts/new-plugin.sh <plugin-id> <java-package> <provider-prefix> [target-dir]
#   scripts/new-plugin.sh nimbus-provider com.nimbus.sluice nimbus ../nimbus-provider
# then: cd ../nimbus-provider && mvn package  (target/nimbus-provider-1.0.0.jar goes into plugins/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 3 ] || usage
id=$1 package=$2 prefix=$3 target=${4:-$id}
[[ $id =~ ^[a-z][a-z0-9-]*$ ]] || { echo "plugin id: lower-case letters, digits and dashes" >&2; exit 2; }
[[ $package =~ ^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$ ]] || { echo "java package: like com.example.sluice" >&2; exit 2; }
[[ $prefix =~ ^[a-z][a-z0-9_]*$ ]] || { echo "provider prefix: lower-case letters, digits, underscores" >&2; exit 2; }
[ ! -e "$target" ] || { echo "$target exists already" >&2; exit 1; }

name=$(tr '[:lower:]' '[:upper:]' <<<"${prefix:0:1}")${prefix:1}   # nimbus -> Nimbus
name=${name//_/}
group=${package%.*}                                                  # com.nimbus.sluice -> com.nimbus
example="$root/plugins/examples/acme-provider"

mkdir -p "$target"
cp "$example/pom.xml" "$target/pom.xml"
for tree in main test; do
  mkdir -p "$target/src/$tree/java/${package//.//}"
  for file in "$example/src/$tree/java/com/acme/sluice/"*.java; do
    cp "$file" "$target/src/$tree/java/${package//.//}/$(basename "${file/Acme/$name}")"
  done
done
find "$target" -type f \( -name '*.java' -o -name 'pom.xml' \) -print0 | xargs -0 sed -i \
  -e "s/com\.acme\.sluice/$package/g" -e "s/<groupId>com\.acme</<groupId>$group</g" \
  -e "s/acme-provider/$id/g" -e "s/Acme Corp/$name/g" -e "s/Acme/$name/g" -e "s/acme/$prefix/g"
echo "A $name provider plugin ($id, serving $prefix/ models) is in $target: build it with mvn package."

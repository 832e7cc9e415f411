#!/bin/bash
# Re-run the accuracy benchmarks of docs/benchmarks.md, one at a time, on a commit.
#
#   scripts/rerun_benchmarks.sh OUT_DIR [COMMIT] [BENCHMARK ...]
#
# COMMIT (default HEAD) is checked out into a temporary worktree and run with this checkout's
# venv through PYTHONPATH, so an older commit is measured with the same libraries. Without
# BENCHMARK names every one runs. Each writes OUT_DIR/<name>.out (the tables), .err and .time;
# OUT_DIR/log lists start times and exit codes. Needs ../shared/data.
set -u
out=$(realpath -m "$1"); ref=${2:-HEAD}; shift $(( $# > 1 ? 2 : 1 ))
repo=$(cd "$(dirname "$0")/.." && pwd)
data=$(realpath "$repo/../shared/data")
tree=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1' EXIT
git -C "$repo" worktree add --quiet --detach "$tree" "$ref"
mkdir -p "$out"
cd "$tree" || exit 1
export PYTHONPATH="$tree/src"
nl=("$repo/.venv/bin/python" -m newsloom)

run() {
    local name=$1; shift
    echo "== $name $(date -u +%T) $(git rev-parse --short HEAD)" >> "$out/log"
    /usr/bin/time -f "%e s" -o "$out/$name.time" "${nl[@]}" "$@" > "$out/$name.out" 2> "$out/$name.err"
    echo "   exit $? after $(cat "$out/$name.time")" >> "$out/log"
}

all=(events pairs storylines-semeval storylines-tl17 ner ner-clean ner-news search-pairs
     extraction-aeb extraction-html extraction-text timelines)
for name in "${@:-${all[@]}}"; do
    case $name in
        events) run events eval events --dataset "$data/events-dev" ;;
        pairs) run pairs eval pairs --dataset "$data/semeval-pairs-dev" ;;
        storylines-semeval) run "$name" eval storylines "$data/semeval-pairs-dev/articles.jsonl" ;;
        storylines-tl17) run "$name" eval storylines "$data"/timeline17-dev/*/articles.jsonl ;;
        ner) run ner eval ner --data "$data/ner" ;;
        ner-clean) run ner-clean eval ner --data "$data/ner" --clean-mentions ;;
        ner-news) run ner-news eval ner --news-sample tests/fixtures_ner/news_sample.tsv \
                      --news-data "$data" ;;
        search-pairs) run search-pairs eval search --pairs "$data/semeval-pairs-dev" ;;
        extraction-aeb) run "$name" eval extraction --dataset "$data/aeb" --all-focus ;;
        extraction-html) run "$name" eval extraction --dataset "$data/trafilatura-eval-dev" \
                             --path html --all-focus ;;
        extraction-text)
            run text-folds eval text-folds --data "$data" --out "$out/text-folds"
            run "$name" eval extraction --dataset "$data/trafilatura-eval-dev" --path text \
                --text-models "$out/text-folds" ;;
        timelines) run timelines eval timelines --dataset "$data/timeline17-dev" \
                       --workdir "$out/timelines-work" --rouge perl ;;
        *) echo "unknown benchmark: $name (one of: ${all[*]})" >&2; exit 2 ;;
    esac
done
echo "== done $(date -u +%T)" >> "$out/log"

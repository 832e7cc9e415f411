"""Timelines and summaries as JSON (the issue's format), Markdown and HTML."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from jinja2 import Environment, select_autoescape

from newsloom.model import Summary, Timeline, TimelineEntry, TimelineSentence
from newsloom.text.counts import counted

TimelineFormat = Literal["md", "json", "html"]


def sentence_to_json(sentence: TimelineSentence) -> dict[str, Any]:
    return asdict(sentence)


def entry_to_json(entry: TimelineEntry) -> dict[str, Any]:
    record = asdict(entry)
    record["sentences"] = [sentence_to_json(s) for s in entry.sentences]
    return record


def timeline_to_json(timeline: Timeline) -> dict[str, Any]:
    """``{"title", "request", "articles", "story_ids", "entries": [{date, granularity, basis,
    headline, sentences: [{text, lang, article_id, outlet, start, end, ...}], story_id,
    story_ids, citations, outlets, score}], "undated": [...]}``, entries in date order."""
    return {
        "title": timeline.title,
        "request": asdict(timeline.request),
        "articles": timeline.articles,
        "story_ids": timeline.story_ids,
        "entries": [entry_to_json(e) for e in timeline.entries],
        "undated": [entry_to_json(e) for e in timeline.undated],
    }


def summary_to_json(summary: Summary) -> dict[str, Any]:
    record = asdict(summary)
    record["sentences"] = [sentence_to_json(s) for s in summary.sentences]
    return record


def _cite(sentence: TimelineSentence) -> str:
    where = sentence.outlet or "unknown outlet"
    return f"[{sentence.article_id}, {where}, {sentence.start}–{sentence.end}]"


def _quote(sentence: TimelineSentence, preferred: str | None) -> str:
    tag = f"({sentence.lang}) " if sentence.lang and sentence.lang != preferred else ""
    return f"{tag}{' '.join(sentence.text.split())} {_cite(sentence)}"


def _date_label(entry: TimelineEntry) -> str:
    if entry.date is None:
        return f"undated (estimated {entry.estimate})" if entry.estimate else "undated"
    extra = "" if entry.granularity == "day" else f" ({entry.granularity})"
    return f"{entry.date}{extra}"


def timeline_to_markdown(timeline: Timeline) -> str:
    lang = timeline.request.lang
    lines = [f"# Timeline: {timeline.title}", "",
             f"{counted(timeline.articles, 'article')}, "
             f"{counted(len(timeline.entries), 'dated entry')}, "
             f"{len(timeline.undated):,} undated.", ""]
    for entry in timeline.entries:
        basis = " · from publication date" if entry.basis == "published" else ""
        lines += [f"## {_date_label(entry)} — {entry.headline}", "",
                  f"story {entry.story_id} · {counted(len(entry.citations), 'article')}"
                  f" ({', '.join(entry.outlets) or 'outlets unknown'}){basis}", ""]
        lines += [f"- {_quote(s, lang)}" for s in entry.sentences]
        lines.append("")
    if timeline.undated:
        lines += ["## Undated", "", "Not placed at any date: no stated publication date.", ""]
        for entry in timeline.undated:
            lines.append(f"- **{entry.headline}** — {_date_label(entry)}, story {entry.story_id}")
            lines += [f"  - {_quote(s, lang)}" for s in entry.sentences]
        lines.append("")
    return "\n".join(lines)


def summary_to_markdown(summary: Summary) -> str:
    lines = [f"# Summary of {summary.kind} {summary.id}: {summary.title}", "",
             f"From {counted(summary.articles, 'independent article')}.", ""]
    lines += [f"- {_quote(s, summary.lang)}" for s in summary.sentences]
    return "\n".join(lines) + "\n"


_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Timeline: {{ t.title }}</title>
<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45}
.date{font-weight:bold}.cite{color:#666;font-size:.85em}.lang{color:#a50;font-size:.85em}
li{margin:.3em 0}</style></head><body>
<h1>Timeline: {{ t.title }}</h1>
<p>{{ counted(t.articles, "article") }}, {{ counted(t.entries|length, "dated entry") }},
{{ t.undated|length }} undated.</p>
{% for e in t.entries %}<section><h2><span class="date">{{ label(e) }}</span> —
{{ e.headline }}</h2><p class="cite">story {{ e.story_id }} ·
{{ counted(e.citations|length, "article") }}{% if e.outlets %} ({{ e.outlets|join(", ") }})
{%- endif %}{% if e.basis == "published" %} · from publication date{% endif %}</p><ul>
{% for s in e.sentences %}<li {% if s.lang %}lang="{{ s.lang }}"{% endif %}>{% if s.lang and
s.lang != pref %}<span class="lang">[{{ s.lang }}]</span> {% endif %}{{ s.text }}
<span class="cite">{{ cite(s) }}</span></li>{% endfor %}</ul></section>
{% endfor %}{% if t.undated %}<section><h2>Undated</h2><ul>{% for e in t.undated %}
<li><b>{{ e.headline }}</b> — {{ label(e) }}<ul>{% for s in e.sentences %}<li
{% if s.lang %}lang="{{ s.lang }}"{% endif %}>{{ s.text }} <span class="cite">{{ cite(s)
}}</span></li>{% endfor %}</ul></li>{% endfor %}</ul></section>{% endif %}
</body></html>
"""


def timeline_to_html(timeline: Timeline) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_HTML)
    return template.render(t=timeline, label=_date_label, cite=_cite, counted=counted,
                           pref=timeline.request.lang)

"""`hub kb import` and `hub kb export`: articles as files, for review in git or bulk loading."""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path
from typing import Any

from hub.agents.accounts import Principal
from hub.db.engine import Database
from hub.knowledge.transfer import (
    Document,
    ImportError_,
    export_live,
    import_documents,
    parse_json,
    parse_markdown,
    to_markdown,
)

CLI = Principal(kind="cli", id=0, role="admin", name="hub kb")


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".md", ".json")))
        elif path.is_file():
            found.append(path)
        else:
            raise ImportError_([f"{raw}: no such file or directory"])
    return found


def read_documents(paths: list[str]) -> list[Document]:
    docs: list[Document] = []
    problems: list[str] = []
    for path in _files(paths):
        try:
            text = path.read_text(encoding="utf-8")
            docs.extend(parse_json(str(path), text) if path.suffix == ".json" else [parse_markdown(str(path), text)])
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
        except ImportError_ as exc:
            problems.extend(exc.problems)
    if problems:
        raise ImportError_(problems)
    return docs


async def kb_command(db: Database, args: argparse.Namespace, locales: tuple[str, ...]) -> str:
    if args.kb_command == "import":
        docs = await asyncio.to_thread(read_documents, args.paths)
        done = await import_documents(db, CLI, docs, publish=args.publish, locales=locales)
        counts = f"{len(done.created)} new, {len(done.updated)} updated, {len(done.unchanged)} unchanged"
        how = " and published them" if args.publish else " as drafts"
        return f"imported {len(done.ids)} article(s){how}: {counts}"
    items = await export_live(db)
    await asyncio.to_thread(write_markdown, Path(args.directory), items)
    return f"exported {len(items)} article(s) to {args.directory}"


def write_markdown(target: Path, items: list[dict[str, Any]]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in items:
        slug = re.sub(r"[^\w\-]+", "-", item["title"].lower()).strip("-")[:60] or "article"
        (target / f"{item['id']:05d}-{slug}.md").write_text(to_markdown(item), encoding="utf-8")

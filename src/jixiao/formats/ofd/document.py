"""The structure of GB/T 33190 read down to the pages: OFD.xml → DocBody → DocRoot (Document.xml) → CommonData
(PageArea, PublicRes/DocumentRes, TemplatePage) and Pages → each page's Content.xml, its PageRes and Templates.

Annotations (Annots: stamps, 电子印章 appearances) and Signatures are other parts that nothing here refers to:
a seal never mixes with the text read.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .package import Container, OfdError, child, children, number_list, text_of

__all__ = ["PageRef", "Resources", "pages_of", "resources_in"]

A4 = (0.0, 0.0, 210.0, 297.0)


@dataclass
class Resources:
    """What objects refer to by ID: images (MultiMedia → the part holding the picture) and composite units."""

    media: dict[str, str] = field(default_factory=dict)
    units: dict[str, ET.Element] = field(default_factory=dict)

    def merged(self, other: Resources) -> Resources:
        return Resources({**self.media, **other.media}, {**self.units, **other.units})


@dataclass(frozen=True)
class PageRef:
    """One page as Document.xml lists it: where its content is, the templates under it, its resources."""

    number: int
    location: str
    box: tuple[float, float, float, float]  # PhysicalBox of the document (a page's own Area overrides it)
    templates: dict[str, str]  # TemplatePage ID → part
    resources: Resources


def resources_in(container: Container, part: str) -> Resources:
    """A Res part: MultiMedia files are found under its BaseLoc folder, read from the Res part's own folder."""
    root = container.xml(part, keep=True)
    base = posixpath.join(posixpath.dirname(part), (root.get("BaseLoc") or "").strip(), "_")
    found = Resources()
    for media in (m for holder in children(root, "MultiMedias") for m in children(holder, "MultiMedia")):
        where = container.resolve(base, text_of(media, "MediaFile")) or container.resolve(
            part, text_of(media, "MediaFile")
        )
        if where is not None and (media.get("ID") or "").strip():
            found.media[(media.get("ID") or "").strip()] = where
    for units in children(root, "CompositeGraphicUnits"):
        for unit in children(units, "CompositeGraphicUnit"):
            if (unit.get("ID") or "").strip():
                found.units[(unit.get("ID") or "").strip()] = unit
    return found


def _document_resources(container: Container, document: str, common: ET.Element | None) -> Resources:
    found = Resources()
    for element in common if common is not None else []:
        if element.tag.rsplit("}", 1)[-1] in ("PublicRes", "DocumentRes"):
            part = container.resolve(document, element.text)
            if part is not None:
                found = found.merged(resources_in(container, part))
    return found


def pages_of(container: Container, page_limit: int) -> list[PageRef]:
    """Every page of every document body, in order; more than `page_limit` pages is refused before any is read."""
    entry = container.find("OFD.xml")
    if entry is None:
        raise OfdError("文件不是有效的 OFD：缺少入口文件 OFD.xml（可能是其他压缩包改了扩展名）。")
    root = container.xml(entry)
    bodies = list(children(root, "DocBody"))
    if root.tag.rsplit("}", 1)[-1] != "OFD" or not bodies:
        raise OfdError("文件不是有效的 OFD：OFD.xml 中没有文档（DocBody）。")
    pages: list[PageRef] = []
    for body in bodies:
        document = container.resolve(entry, text_of(body, "DocRoot"))
        if document is None:
            raise OfdError(f"OFD.xml 指向的文档 {text_of(body, 'DocRoot') or '（空）'} 在文件中不存在，文件不完整。")
        tree = container.xml(document)
        common = child(tree, "CommonData")
        listed = [p for holder in children(tree, "Pages") for p in children(holder, "Page")]
        if len(pages) + len(listed) > page_limit:
            raise OfdError(
                f"OFD 共 {len(pages) + len(listed)} 页，上限为 {page_limit} 页。请拆分文件。"
                "（上限可用环境变量 JIXIAO_LIMIT_PAGES 调整）"
            )
        box = _box(text_of(child(common, "PageArea"), "PhysicalBox")) or A4
        templates = {}
        for template in children(common, "TemplatePage"):
            part = container.resolve(document, template.get("BaseLoc"))
            if part is not None and (template.get("ID") or "").strip():
                templates[(template.get("ID") or "").strip()] = part
        resources = _document_resources(container, document, common)
        for page in listed:
            location = container.resolve(document, page.get("BaseLoc"))
            if location is None:
                raise OfdError(
                    f"第{len(pages) + 1}页的内容 {page.get('BaseLoc') or '（未写明）'} 在文件中不存在，文件不完整。"
                    "请向报送单位索要完整文件，或导出为 PDF 后再审核。"
                )
            pages.append(PageRef(len(pages) + 1, location, box, templates, resources))
    return pages


def _box(value: str | None) -> tuple[float, float, float, float] | None:
    numbers = number_list(value)
    return (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) >= 4 else None

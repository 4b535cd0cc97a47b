"""Both users' whole year in a real browser (Debian's chromium driven by Playwright) against a real server, at
1366×768: the department officer (forced password change, the rulebook defaulted with the reason and changed in
draft, fields and tables, two sessions editing at once, the workbook, deductions and an indicator's trace, the
narrative, submission, answering 批注) and the bureau reviewer (the dashboard with 未开始, filters, the .xlsx
export and the reminder list; the whole self-evaluation with 表1, charts and 附件; 批注 on an indicator and a
section; return; approve).

Every page visited is checked in the browser (`check_page`): accessible names of every field, alt texts, button
texts, heading order, text contrast by the WCAG formula from the rendered colours, the main action reachable by
Tab with a visible focus ring and inside the first screen, no English word and no Content-Security-Policy
violation. A screenshot of each page is written to the folder the test prints (JIXIAO_SCREENSHOTS, or the
test's tmp folder)."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")

FIRST_PASSWORD = "set-by-the-administrator"
PASSWORD = "browser-test-password"
WIDTH, HEIGHT = 1366, 768
DEADLINE_DAYS = 20

CYCLE_PAGES = ("targets", "monitoring", "recheck", "rectification")  # their editors show Chinese keys
# the evaluation page, whose data editor shows the keys in Chinese too (web/data_words.py)
EVALUATION_PAGE = re.compile(r"/evaluations/\d+(?:[?#].*)?$")
# Latin words a Chinese user meets on purpose: file kinds and the product names on the download buttons.
# Format names as Chinese offices know them: WPS (the office suite), OFD (GB/T 33190), .xls (Excel 97–2003).
FORMATS = {"Word", "Excel", "PDF", "WPS", "OFD", "xls", "xlsx", "xlsm", "docx", "html", "mht", "zip"}
# The user names are the users' own data.
ALLOWED_LATIN = FORMATS | {"baoan", "caizheng", "admin"}

A11Y_CHECK = r"""
() => {
  const problems = [];
  const describe = (el) => el.outerHTML.replace(/\s+/g, " ").slice(0, 140);
  const visible = (el) => {
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0
      && box.right > 0 && box.bottom > 0;
  };
  const accessibleName = (el) => {
    const aria = (el.getAttribute("aria-label") || "").trim();
    if (aria) return aria;
    const by = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
    if (by) return by;
    return Array.from(el.labels || []).map((l) => l.textContent.trim()).join(" ").trim();
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!accessibleName(el)) problems.push("输入框没有标签：" + describe(el));
  }
  for (const img of document.querySelectorAll("img")) {
    if (!(img.getAttribute("alt") || "").trim()) problems.push("图片没有替代文字：" + describe(img));
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.closest("[aria-hidden=true]") || svg.parentElement.closest("svg")) continue;
    if (svg.getAttribute("role") !== "img" || !(svg.getAttribute("aria-label") || "").trim()) {
      problems.push("图表没有 role=img 和说明：" + describe(svg));
    }
  }
  for (const el of document.querySelectorAll("button, a[href], summary")) {
    if (!visible(el)) continue;
    if (!(el.innerText || "").trim() && !(el.getAttribute("aria-label") || "").trim()) {
      problems.push("按钮或链接没有文字：" + describe(el));
    }
  }
  let previous = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (!visible(h)) continue;
    const level = Number(h.tagName[1]);
    if (level > previous + 1) problems.push(`标题层级跳跃：h${previous} 之后是 h${level}：` + describe(h));
    previous = level;
  }
  const parse = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) layers.push(colour);
      if (colour && colour.a >= 1) break;
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const seen = new Set();
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el) || el.closest("svg, option, script, style")) continue;
    seen.add(el);
    if (!visible(el)) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700) ? 3 : 4.5;
    if (ratio < needed) {
      const shown = `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`;
      problems.push(`对比度 ${ratio.toFixed(2)}:1 低于 ${needed}:1（文字 ${style.color}，背景 ${shown}）：`
        + `“${node.textContent.trim().slice(0, 30)}”`);
    }
  }
  return problems;
}
"""

# One breach of each rule; and text that passes (#595959 on white is 7:1; large #888 text 3.54:1 ≥ 3:1).
BAD_PAGE = """<html><body><h1>标题</h1><h3>跳过了二级标题</h3><input type="text"><img src="data:,">
<svg width="10" height="10"><rect width="10" height="10"></rect></svg><button type="button"></button>
<p style="color:#999">浅灰</p><p style="color:#595959">深灰</p><p style="color:#888;font-size:24px">大号浅灰</p>
</body></html>"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {ring: ring, outline: style.outlineStyle + " " + style.outlineWidth};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from jixiao.web.app import create_app
    from jixiao.web.db import Deadline, Department, User
    from jixiao.web.security import hash_password
    from jixiao.web.tasks import run_job
    from jixiao.web.timefmt import SHANGHAI

    from .web_support import free_port

    tmp = tmp_path_factory.mktemp("browser")
    os.environ["JIXIAO_DATA"] = str(tmp)
    app = create_app(f"sqlite:///{tmp / 'jixiao.db'}", enqueue=lambda job_id, url: run_job(job_id, url))
    with app.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add(Department(name="深圳市福田区妇女联合会", region="广东省深圳市福田区"))
        db.add(  # a new account: the administrator's password must be changed at the first sign-in
            User(
                username="baoan",
                display_name="宝安区妇联财务",
                password_hash=hash_password(FIRST_PASSWORD),
                role="filler",
                department_id=department.id,
                must_change_password=True,
            )
        )
        db.add(
            User(
                username="caizheng",
                display_name="深圳市财政局绩效处",
                password_hash=hash_password(PASSWORD),
                role="reviewer",
                region="广东省深圳市",
            )
        )
        db.add(User(username="admin", display_name="系统管理员", password_hash=hash_password(PASSWORD), role="admin"))
        db.add(Deadline(year=2023, due=datetime.now(SHANGHAI).date() + timedelta(days=DEADLINE_DAYS)))
        db.commit()
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    instance.should_exit = True
    thread.join(timeout=10)


class Pages:
    """Checks each page the walk reaches and keeps its screenshot."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        self.csp: list[str] = []
        self.checked: list[str] = []
        self.problems: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None)

    def check(self, page, name: str, main: str, *, full: bool = False, known: frozenset[str] = frozenset()) -> None:
        """The page passes the accessibility basics, `main` (its main action) is in the first screen and reached by
        Tab with a visible focus ring, no English reaches the user; then the screenshot."""
        page.evaluate("window.scrollTo(0, 0)")
        self.problems += [f"{name}：{problem}" for problem in page.evaluate(A11Y_CHECK)]
        box = page.locator(main).first.bounding_box()
        if box is None or box["y"] + box["height"] > HEIGHT:
            self.problems.append(f"{name}：主要操作 {main} 不在第一屏（{box}）")
        page.locator("body").focus()
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", main):
                break
        else:
            raise AssertionError(f"{name}：按 Tab 键 60 次未到达主要操作 {main}")
        focus = page.evaluate(FOCUS)
        if not (focus and focus["ring"]):
            self.problems.append(f"{name}：获得焦点的 {main} 没有可见的焦点框（{focus}）")
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        words = set(re.findall(r"[A-Za-z]{3,}", page.inner_text("body"))) - ALLOWED_LATIN - known
        if words:
            self.problems.append(f"{name}：页面上有英文：{sorted(words)}")
        # the browser's own file picker reads "Choose File" on Debian's chromium: every one is the page's Chinese one
        native = page.evaluate("document.querySelectorAll('input[type=file]:not(.file-pick > input)').length")
        if native:
            self.problems.append(f"{name}：{native}个文件选择框是浏览器自带的（显示英文），应使用页面的中文按钮")
        # a text editor's keys (not the comments a user wrote) read Chinese too; innerText leaves textareas out
        for text in page.eval_on_selector_all("textarea.code", "els => els.map((e) => e.value)"):
            code = "\n".join(line.split(" #")[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
            latin = set(re.findall(r"[A-Za-z]{3,}", code)) - ALLOWED_LATIN - known
            cycle_page = "/evaluations/" in page.url and page.url.rsplit("/", 1)[-1] in CYCLE_PAGES
            if latin and (cycle_page or EVALUATION_PAGE.search(page.url)):
                self.problems.append(f"{name}：编辑框中有英文字段名：{sorted(latin)}")
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=full)
        self.checked.append(name)


def _browser(p):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )


def _sign_in_by_keyboard(page, url: str, username: str, password: str) -> None:
    """Only the keyboard: the fields are labelled and reachable in order."""
    page.goto(f"{url}/login")
    page.get_by_label("用户名").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/login" not in u)


def _new_filler(app, username: str, department: str) -> None:
    """A department of 宝安 and its 填报人, whose password is PASSWORD."""
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password

    with app.state.factory() as db:
        made = Department(name=department, region="广东省深圳市宝安区")
        db.add(made)
        db.flush()
        db.add(User(username=username, password_hash=hash_password(PASSWORD), role="filler", department_id=made.id))
        db.commit()


def _click_and_wait(page, selector: str) -> None:
    # the page after the POST's redirect, once its document is parsed: what the test reads next (#message, #status)
    # is in the document. Waiting for "load" (every image and font too) timed out once in a fresh-clone CI run at
    # 30 s after "domcontentloaded" had fired on ?done=answer#comments (not reproduced; see the closing note)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click(selector)


def test_both_users_whole_year(server, tmp_path):
    from docx import Document as read_docx
    from openpyxl import load_workbook
    from sqlalchemy import select

    from jixiao.cli import main
    from jixiao.scoring.rulebook import available_rulebooks
    from jixiao.web.db import AuditEntry, Evaluation

    url, app = server
    shots = Path(os.environ.get("JIXIAO_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots}")
    workbook = tmp_path / "宝安填报.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    pages = Pages(shots)
    with playwright.sync_playwright() as p:
        browser = _browser(p)

        def new_page():
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", accept_downloads=True
            )
            page = context.new_page()
            pages.watch(page)
            return page

        department, bureau = new_page(), new_page()

        # --- the department: first sign-in, the forced password change -----------------------------------
        department.goto(f"{url}/login")
        pages.check(department, "登录", "#login-form button[type=submit]")
        _sign_in_by_keyboard(department, url, "baoan", FIRST_PASSWORD)
        assert department.url.endswith("/account?must=1")
        assert "请先修改密码" in department.inner_text("#message")
        pages.check(department, "首次登录须修改密码", "#password-form button[type=submit]")
        department.fill("#current", FIRST_PASSWORD)
        department.fill("#new", PASSWORD)
        department.fill("#again", PASSWORD)
        _click_and_wait(department, "#password-form button[type=submit]")
        assert "密码已修改" in department.inner_text("#message")
        _click_and_wait(department, "#continue")

        # --- a new evaluation: the rulebook defaulted from the region, with the reason ------------------------
        assert department.url.endswith("/evaluations")
        assert "按部门所在地区“广东省深圳市宝安区”匹配到" in department.inner_text("#rulebook-hint")
        pages.check(department, "自评列表", "#new-form button[type=submit]")
        department.fill("#year", "2023")
        _click_and_wait(department, "#new-form button[type=submit]")
        evaluation_url = department.url.split("?")[0]
        evaluation_id = int(evaluation_url.rsplit("/", 1)[1])
        assert "已新建自评" in department.inner_text("#message")
        assert "按部门所在地区“广东省深圳市宝安区”匹配到“广东省深圳市宝安区”的2023年度指标体系" in (
            department.inner_text("#rulebook")
        )
        pages.check(department, "新建的自评", "#upload-form button[type=submit]")
        # nothing filled yet: 提交审核 is refused, what is missing listed with links to where to fix it
        assert department.is_disabled("#submit")
        assert "尚不能提交审核" in department.inner_text("#submit-check-summary")
        department.click("#submit-check-summary")
        link = department.locator("#submit-check a[href*='#f-facts.asset_inventory_done.answer']")
        assert "本年度是否开展了资产清查（盘点）？" in link.inner_text()

        # --- fields and tables by hand ---------------------------------------------------------------------
        department.fill("#f-department\\.authority", "深财绩〔2024〕1号")
        department.fill("#f-budget\\.initial\\.total", "1,154.64")
        _click_and_wait(department, "#data-form button[type=submit]")
        assert "基本信息已保存" in department.inner_text("#message")
        assert department.input_value("#f-budget\\.initial\\.total") in ("1154.64", "1,154.64")
        department.fill("input[name='l:quarterly:0:quarter']", "1")
        department.fill("input[name='l:quarterly:0:time_rate']", "93.58%")
        department.fill("input[name='l:quarterly:1:quarter']", "2")
        department.fill("input[name='l:quarterly:1:time_rate']", "80.74%")
        _click_and_wait(department, "#lists-form button[type=submit]")
        assert "表格已保存" in department.inner_text("#message")
        assert department.input_value("input[name='l:quarterly:1:time_rate']") == "80.74%"

        # --- two sessions at once: a conflict shown field by field and row by row ------------------------------
        other = new_page()
        _sign_in_by_keyboard(other, url, "baoan", PASSWORD)
        other.goto(evaluation_url)
        department.reload()
        other.fill("#f-department\\.authority", "深财绩〔2024〕2号")
        _click_and_wait(other, "#data-form button[type=submit]")
        other.fill("input[name='l:quarterly:1:time_rate']", "85%")
        other.fill("input[name='l:quarterly:2:quarter']", "3")
        other.fill("input[name='l:quarterly:2:time_rate']", "99.87%")
        _click_and_wait(other, "#lists-form button[type=submit]")
        # the first session, still on the version before both saves, changes the same table row
        department.fill("input[name='l:quarterly:1:time_rate']", "81%")
        _click_and_wait(department, "#lists-form button[type=submit]")
        assert "已被他人修改" in department.inner_text("#message")
        rows = department.locator("#conflict tr.row-change")
        assert rows.count() == 2
        assert "季度执行 第2行" in rows.nth(0).inner_text() and "序时执行率：85%" in rows.nth(0).inner_text()
        assert "双方都改动了" in rows.nth(0).inner_text()
        assert "季度执行 第3行" in rows.nth(1).inner_text() and "您未改动此项" in rows.nth(1).inner_text()
        assert department.input_value("input[name='l:quarterly:2:time_rate']") == "99.87%"  # theirs, taken in
        assert department.input_value("#f-department\\.authority") == "深财绩〔2024〕2号"  # the current fields
        pages.check(department, "保存冲突-表格逐行", "#conflict button[data-take]")
        rows.nth(0).locator("button:has-text('采用对方的值')").click()
        assert department.input_value("input[name='l:quarterly:1:time_rate']") == "85%"
        rows.nth(0).locator("button:has-text('保留我的值')").click()
        assert department.input_value("input[name='l:quarterly:1:time_rate']") == "81%"
        _click_and_wait(department, "#lists-form button[type=submit]")
        assert "表格已保存" in department.inner_text("#message")
        # and a field: the other session changes it again, the first one (on the older version) too
        other.reload()
        other.fill("#f-department\\.authority", "深财绩〔2024〕4号")
        _click_and_wait(other, "#data-form button[type=submit]")
        department.fill("#f-department\\.authority", "深财绩〔2024〕3号")
        _click_and_wait(department, "#data-form button[type=submit]")
        assert "已被他人修改" in department.inner_text("#message")
        conflict = department.inner_text("#conflict")
        assert "评价依据文件" in conflict and "深财绩〔2024〕4号" in conflict and "深财绩〔2024〕3号" in conflict
        assert department.input_value("#f-department\\.authority") == "深财绩〔2024〕3号"  # mine, until chosen
        pages.check(department, "保存冲突-基本信息", "#conflict-save")
        department.click("#conflict button:has-text('采用对方的值')")
        assert department.input_value("#f-department\\.authority") == "深财绩〔2024〕4号"
        _click_and_wait(department, "#conflict-save")  # the save under the table, in the first screen
        assert "基本信息已保存" in department.inner_text("#message")
        with app.state.factory() as db:
            stored = db.get(Evaluation, evaluation_id).data_yaml
        assert "深财绩〔2024〕4号" in stored and "81%" in stored and "99.87%" in stored and "85%" not in stored
        other.context.close()

        # --- the workbook, deductions with reasons, an indicator's trace -------------------------------------
        department.set_input_files("#upload-file", str(workbook))
        _click_and_wait(department, "#upload-form button[type=submit]")
        assert "工作簿已导入" in department.inner_text("#message")
        assert "97.61 分 · 优" in department.inner_text("#total")
        scores = department.inner_text("#scores")
        assert "未定期开展资产清查工作" in scores and "扣1分" in scores  # a deduction with its reason
        pages.check(department, "导入工作簿后", "#submit", full=True)
        # the data editor reads Chinese (checked above for Latin words): keys, the rulebook's title, the questions
        data_text = department.input_value("#data-yaml")
        assert "部门信息:" in data_text and "默认指标体系: 深圳市宝安区部门整体支出绩效自评指标体系" in data_text
        assert "部门预算编制是否与部门职责" in data_text and "department:" not in data_text
        assert not department.is_visible("#submit-check")  # complete, no warning: nothing listed before 提交审核

        # --- a qualitative fact answered in the form: re-scored, the deduction shown beside the question --------
        fact = "#fact-asset_inventory_done"
        assert "扣1分" in department.inner_text(fact)  # the example's 否: 资产管理安全性 deducts 1
        department.select_option("#f-facts\\.asset_inventory_done\\.answer", "是")
        _click_and_wait(department, "#facts-form button[type=submit]")
        assert "定性事实已保存，已重新评分" in department.inner_text("#message")
        assert "98.61 分 · 优" in department.inner_text("#total")  # 97.61 + 1
        assert "未扣分" in department.inner_text(fact)
        department.locator("#facts").scroll_into_view_if_needed()
        department.screenshot(path=str(shots / "定性事实.png"))
        department.select_option("#f-facts\\.asset_inventory_done\\.answer", "否")
        _click_and_wait(department, "#facts-form button[type=submit]")
        assert "97.61 分 · 优" in department.inner_text("#total")
        _click_and_wait(department, "#scores >> text=预算执行率")
        assert "0.38715" in department.inner_text("#steps")
        assert department.inner_text("#indicator-score") == "5.62"
        pages.check(department, "指标计算过程", "#back")
        department.go_back()

        # --- the rulebook changed in draft: re-scored and audited; then back ----------------------------------
        department.select_option("#rulebook-select", "hunan/department/2023")
        _click_and_wait(department, "#rulebook-form button[type=submit]")
        assert "已按新指标体系重新评分" in department.inner_text("#message")
        assert "按部门地区建议使用" in department.inner_text("#rulebook")
        assert "97.61" not in department.inner_text("#total")
        department.select_option("#rulebook-select", "shenzhen-baoan/department/2023")
        _click_and_wait(department, "#rulebook-form button[type=submit]")
        assert "97.61 分 · 优" in department.inner_text("#total")
        with app.state.factory() as db:
            changes = db.scalars(select(AuditEntry.source).where(AuditEntry.action == "rulebook")).all()
        assert changes == ["hunan/department/2023", "shenzhen-baoan/department/2023"]
        _click_and_wait(department, "text=历史版本")
        assert "更换指标体系" in department.inner_text("#versions")
        pages.check(department, "历史版本", "#back")
        _click_and_wait(department, "#versions tr:has-text('上传工作簿') a")
        fields = department.inner_text("#version-fields")
        assert "2,377.56" in fields and "123.10" in fields  # 万元 with two places, as the official tables print
        pages.check(department, "某一版本", "#back")
        department.goto(evaluation_url)

        # --- the narrative, the Word report, submission ---------------------------------------------------------
        department.fill("#n-problems", "部分季度支出进度偏慢。")
        _click_and_wait(department, "#narrative-form button[type=submit]")
        assert "报告文字已保存" in department.inner_text("#message")
        with department.expect_download() as download:
            department.click("#download-docx")
        report = read_docx(download.value.path())
        assert "自评得分为97.61分" in "\n".join(par.text for par in report.paragraphs)
        _click_and_wait(department, "#submit")
        assert "已提交审核" in department.inner_text("#message")
        pages.check(department, "已提交", "#download-docx")
        stages = (("targets", "绩效目标"), ("monitoring", "运行监控"), ("recheck", "复核"), ("rectification", "整改"))
        for part, title in stages:
            department.goto(f"{evaluation_url}/{part}")  # the year's other stages, linked from the page
            pages.check(department, f"全周期-{title}", "#cycle-nav a")
        department.goto(evaluation_url)

        # --- the bureau: the dashboard, filters, export, reminders ----------------------------------------------
        _sign_in_by_keyboard(bureau, url, "caizheng", PASSWORD)
        assert bureau.url.endswith("/bureau")
        counts = bureau.inner_text("#counts")
        assert "共 2 个部门：未开始 1　草稿 0　已提交 1" in counts
        assert f"剩余 {DEADLINE_DAYS} 天" in bureau.inner_text("#deadline")
        reminders = bureau.inner_text("#reminders")
        assert f"深圳市福田区妇女联合会：未开始，距截止还有{DEADLINE_DAYS}天" in reminders
        assert "宝安" not in reminders
        pages.check(bureau, "财政局看板", "#export")
        with bureau.expect_navigation():
            bureau.select_option("#status-filter", "not_started")  # submits itself
        ranking = bureau.inner_text("#ranking")
        assert "深圳市福田区妇女联合会" in ranking and "宝安" not in ranking
        pages.check(bureau, "看板-筛选未开始", "#export")
        bureau.goto(f"{url}/evaluations")  # the list of the region's evaluations
        assert "深圳市宝安区妇女联合会" in bureau.inner_text("main")
        pages.check(bureau, "审核人的自评列表", "main a[href^='/evaluations/']")
        _click_and_wait(bureau, "header .who-link")
        assert "上次登录" in bureau.inner_text("main")
        pages.check(bureau, "审核人的账户", "#password-form button[type=submit]")
        bureau.goto(f"{url}/bureau/cycle?year=2023")
        pages.check(bureau, "全周期看板", "form[action='/bureau/cycle'] button")
        bureau.goto(f"{url}/bureau?year=2023&status=not_started")
        with bureau.expect_download() as download:
            bureau.click("#export")
        rows = list(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.values)
        assert rows[0] == ("部门", "状态", "总分", "等级", "2022年度总分")
        assert sorted(r[:3] for r in rows[1:]) == [
            ("深圳市宝安区妇女联合会", "已提交", 97.61),
            ("深圳市福田区妇女联合会", "未开始", None),
        ]

        # --- the whole self-evaluation: narrative, 表1, charts, deductions, 附件; 批注; return ---------------------
        bureau.goto(f"{url}/bureau?year=2023")
        _click_and_wait(bureau, "#ranking >> text=深圳市宝安区妇女联合会")
        assert "部分季度支出进度偏慢。" in bureau.inner_text("#narrative-view")
        report_view = bureau.inner_text("#report-view")
        for title in ("表 1：自评得分一览表", "图1：季度序时执行率", "图2：各一级指标得分率", "附件1：", "附件2："):
            assert title in report_view, title
        assert bureau.locator("#report-view img[alt]").count() == 2 and bureau.is_visible("#chart svg")
        assert "扣1分" in bureau.inner_text("#scores")
        pages.check(bureau, "审核-已提交的自评", "#approve-form button[type=submit]", full=True)
        bureau.select_option("#anchor", label="指标：预算执行率")
        bureau.fill("#comment-text", "第二季度执行率偏低，请说明原因。")
        _click_and_wait(bureau, "#comment-form button[type=submit]")
        assert "批注已保存" in bureau.inner_text("#message")
        bureau.select_option("#anchor", label="报告章节：存在的问题")
        bureau.fill("#comment-text", "问题部分请写明涉及的季度和金额。")
        _click_and_wait(bureau, "#comment-form button[type=submit]")
        bureau.fill("#return-comment", "请按批注补充说明。")
        _click_and_wait(bureau, "#return-form button[type=submit]")
        assert "已退回" in bureau.inner_text("#message") and bureau.inner_text("#status") == "已退回"

        # --- the department reads the 批注, answers, submits again -----------------------------------------------
        department.goto(evaluation_url)
        comments = department.inner_text("#comments")
        assert "第二季度执行率偏低，请说明原因。" in comments and "问题部分请写明涉及的季度和金额。" in comments
        assert "请按批注补充说明。" in department.inner_text("#review-comment")
        pages.check(department, "退回后的批注", "#submit")
        department.locator("#comments textarea[name=text]").first.fill("第二季度因项目延期，已在问题部分补充。")
        _click_and_wait(department, "#comments form button[type=submit]")
        assert "答复已保存" in department.inner_text("#message")
        department.fill("#n-problems", "第二季度因项目延期，支出进度偏慢（80.74%）。")
        _click_and_wait(department, "#narrative-form button[type=submit]")
        _click_and_wait(department, "#submit")
        assert "已提交审核" in department.inner_text("#message")

        # --- the bureau sees the answer and approves ------------------------------------------------------------
        bureau.reload()
        assert "第二季度因项目延期，已在问题部分补充。" in bureau.inner_text("#comments")
        assert "80.74%" in bureau.inner_text("#narrative-view")
        _click_and_wait(bureau, "#approve-form button[type=submit]")
        assert "已审核通过" in bureau.inner_text("#message") and bureau.inner_text("#status") == "已通过"
        pages.check(bureau, "审核通过", "#download-docx")
        bureau.goto(f"{url}/bureau?year=2023")
        assert "已通过 1" in bureau.inner_text("#counts")
        department.goto(evaluation_url)
        assert department.inner_text("#status") == "已通过" and not department.is_visible("#submit")

        with app.state.factory() as db:  # the last change as Beijing reads it (UTC + 8 hours)
            saved = db.get(Evaluation, evaluation_id).updated_at
        beijing = (saved.replace(tzinfo=UTC) + timedelta(hours=8)).strftime("%Y年%-m月%-d日 %H:%M")
        assert department.inner_text("#updated") == beijing

        # --- a long job: the bureau's batch import, its page and progress; an approved evaluation is not overwritten --
        bureau.goto(f"{url}/bureau?year=2023")
        bureau.set_input_files("#files", str(workbook))
        assert "宝安填报.xlsx" in bureau.inner_text("#files-name")
        _click_and_wait(bureau, "form[action='/bureau/batch'] button[type=submit]")
        assert "已完成" in bureau.inner_text("#job-status") and bureau.is_visible("progress")
        assert "已通过" in bureau.inner_text("#job-message")
        pages.check(bureau, "批量导入任务", "#job-files a, #back")

        # --- the check itself finds what it looks for (a page made to fail each rule once) --------------------------
        probe = new_page()
        probe.set_content(BAD_PAGE)
        found = "\n".join(probe.evaluate(A11Y_CHECK))
        rules = ("输入框没有标签", "图片没有替代文字", "图表没有 role=img", "按钮或链接没有文字", "标题层级跳跃")
        for expected in rules:
            assert expected in found, (expected, found)
        assert "对比度 2.85:1 低于 4.5:1" in found and "“浅灰”" in found  # #999 on white: 1.05 / 0.368 = 2.85
        assert "“深灰”" not in found and "“大号浅灰”" not in found  # 7.00:1; 3.54:1 at 24px (large: 3:1 suffices)

        # --- the administrator: accounts with the last sign-in, the audit log naming the rulebook changes -------------
        admin = new_page()
        _sign_in_by_keyboard(admin, url, "admin", PASSWORD)
        admin.goto(f"{url}/admin")
        assert "宝安区妇联财务" in admin.inner_text("#users") and "从未登录" not in admin.inner_text("#users")
        # the rulebooks' file names (hunan/department/2023.yaml) are listed for whoever maintains the files: data
        files = frozenset(w for rulebook in available_rulebooks() for w in re.findall(r"[A-Za-z]{3,}", rulebook))
        pages.check(admin, "系统管理", "#add-user button[type=submit]", known=files | {"yaml"})
        admin.goto(f"{url}/audit")
        log = admin.inner_text("#audit")
        assert "更换指标体系" in log and "湖南省部门整体支出绩效自评指标体系（2023年度）" in log
        assert "退回修改" in log and "审核通过" in log and "深圳市宝安区妇女联合会 2023年度自评" in log
        pages.check(admin, "操作日志", "header a[href='/audit']")  # a log: nothing to do but read

        # --- signing out says so ------------------------------------------------------------------------------------
        _click_and_wait(department, "header form[action='/logout'] button")
        assert "您已退出登录" in department.inner_text("#message")

        # --- a page that does not exist ----------------------------------------------------------------------------
        bureau.goto(f"{url}/evaluations/999999")
        assert "找不到该自评记录" in bureau.inner_text("#message")
        pages.check(bureau, "页面不存在", "#home")
        browser.close()
    assert not pages.csp, pages.csp
    assert not pages.problems, "\n".join(pages.problems)
    print(f"checked {len(pages.checked)} pages: {'、'.join(pages.checked)}")


PASTE = """([selector, text]) => {
  const box = document.querySelector(selector);
  box.focus();
  const data = new DataTransfer();
  data.setData("text/plain", text);
  box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_cells_pasted_from_excel_fill_the_fields_and_the_table(server):
    """Cells copied from Excel (lines of tab-separated text, CRLF) pasted into one field went into it whole
    ("2,377.56 996.82 1,380.73", then refused as not a number): a column fills the form's fields one after another,
    a block fills the table by rows and columns, and a note says what was filled and what did not fit."""
    url, app = server
    _new_filler(app, "paste", "深圳市宝安区粘贴测试局")
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(page, url, "paste", PASSWORD)
        page.fill("#year", "2023")
        _click_and_wait(page, "#new-form button[type=submit]")
        # 年初预算 合计, 基本支出, 项目支出 as a column of 宝安's 2023 sheet
        page.evaluate(PASTE, ["[id='f-budget.initial.total']", "2,377.56\r\n996.82\r\n1,380.73\r\n"])
        values = [page.input_value(f"[id='f-budget.initial.{k}']") for k in ("total", "basic", "project")]
        assert values == ["2,377.56", "996.82", "1,380.73"]
        assert page.input_value("[id='f-budget.adjustment.amount']") == ""  # no further than the cells pasted
        assert "依次填入“年初预算·合计”至“年初预算·项目支出”" in page.inner_text("#data-form .paste-note")
        _click_and_wait(page, "#data-form button[type=submit]")
        assert "基本信息已保存" in page.inner_text("#message")
        assert page.input_value("[id='f-budget.initial.basic']") == "996.82"
        # four quarters of 季度执行 (季度, 序时执行率, 实际支出进度, 序时进度) into a table of three empty rows
        quarters = "".join(f"第{q}季度\t9{i}%\t{i}0%\t{i * 25}%\r\n" for i, q in enumerate("一二三四", 1))
        page.evaluate(PASTE, ["input[name='l:quarterly:0:quarter']", quarters])
        assert [page.input_value(f"input[name='l:quarterly:{i}:quarter']") for i in range(3)] == [
            "第一季度",
            "第二季度",
            "第三季度",
        ]
        assert page.input_value("input[name='l:quarterly:2:spending_progress']") == "30%"
        note = page.inner_text("#lists-form .paste-note")
        assert "填入12格" in note and "另有1行超出表格的空行" in note
        browser.close()


def test_bureau_cycle_page_filters_links_and_downloads(server, tmp_path):
    """The bureau's 全周期看板 across its departments: the late warning first, filtered by answer state by the
    select alone, the same workbook as the command line's to download, and a row's link to the department's page."""
    from openpyxl import load_workbook

    from jixiao.web.db import CycleDocument, Department, User
    from jixiao.web.security import hash_password
    from jixiao.web.service import create_evaluation

    url, app = server
    monitoring = (Path("examples/baoan-fulian-2023") / "monitoring.yaml").read_text("utf-8")
    with app.state.factory() as db:
        admin = db.query(User).filter_by(username="admin").one()
        db.add(User(username="cz", display_name="深圳市财政局预算绩效科", password_hash=hash_password(PASSWORD),
                    role="reviewer", region="广东省深圳市"))  # fmt: skip
        for name, text in (
            ("深圳市宝安区妇女联合会", monitoring.replace("2023", "2024")),  # June's 目标偏差, answered in time
            ("深圳市福田区妇女联合会", "year: 2024\nbudget: 100\npoints:\n  - {month: 6, executed: 10}\n"),  # late
        ):
            department = db.query(Department).filter_by(name=name).one()
            create_evaluation(db, admin, department, 2024, "shenzhen-baoan/department/2023")
            db.add(CycleDocument(department_id=department.id, year=2024, kind="monitoring", text=text, version=1))
        db.commit()
    pages = Pages(Path(os.environ.get("JIXIAO_SCREENSHOTS") or tmp_path))
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        pages.watch(page)
        _sign_in_by_keyboard(page, url, "cz", PASSWORD)
        page.goto(f"{url}/bureau/cycle?year=2024")
        rows = page.locator("#warnings tr").all_inner_texts()[1:]
        assert "深圳市福田区妇女联合会" in rows[0] and "逾期未答复" in rows[0] and "已答复" in rows[1]
        pages.check(page, "全周期看板-跨部门", "form[action='/bureau/cycle'] button")
        with page.expect_navigation():
            page.select_option("#answer", "已答复")  # submits itself
        rows = page.locator("#warnings tr").all_inner_texts()[1:]
        assert len(rows) == 1 and "深圳市宝安区妇女联合会" in rows[0]
        with page.expect_download() as download:
            page.click("#download-monitor")
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert book.sheetnames == ["预警清单", "部门汇总", "无法读取"]
        assert [r[0] for r in book["预警清单"].iter_rows(min_row=3, values_only=True)] == [
            "深圳市福田区妇女联合会",
            "深圳市宝安区妇女联合会",
        ]
        _click_and_wait(page, "#warnings >> text=深圳市宝安区妇女联合会")
        assert re.search(r"/evaluations/\d+/monitoring$", page.url) and "2024年度运行监控" in page.inner_text("h1")
        browser.close()
    assert not pages.problems and not pages.csp, pages.problems + pages.csp


VALIDITY = r"""
(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.willValidate || el.checkValidity()) continue;
    out.push([el.name || el.id, el.validationMessage]);
  }
  return out;
}"""


EMPTIED = r"""
() => {
  const out = [];
  for (const el of document.querySelectorAll("form input, form select, form textarea")) {
    if (!el.willValidate || el.readOnly) continue;
    if (el.type === "checkbox") el.checked = false; else if (el.type !== "file") el.value = "";
    if (!el.checkValidity()) out.push([el.name || el.id, el.validationMessage]);
  }
  return out;
}"""


def test_the_browsers_own_messages_are_chinese_in_an_english_browser(server):
    """An English chromium (its own messages 'Please fill out this field.', 'Please lengthen this text…', 'Value
    must be greater than…'): every message of a field left empty, too short or out of range is said in Chinese
    naming the field (app.js), on the login, account, new-evaluation and administration pages; the deadline is typed
    as a date is written (2026年3月31日), not picked in the browser's mm/dd/yyyy."""
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password

    url, _ = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--lang=en-US"])
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US").new_page()
        found: list[tuple[str, str, str]] = []

        def messages(where: str, selector: str = "input, select, textarea") -> None:
            found.extend((where, name, text) for name, text in page.evaluate(VALIDITY, selector))

        page.goto(f"{url}/login")
        page.click("#login-form button[type=submit]")  # both fields empty: the browser stops the submission
        messages("登录")
        assert ("登录", "username", "请填写“用户名”。") in found
        _sign_in_by_keyboard(page, url, "admin", PASSWORD)
        page.goto(f"{url}/admin")
        page.fill("#u-name", "new-user")
        page.fill("#u-password", "short")  # below minlength 8, typed
        page.click("#add-user button[type=submit]")
        messages("系统管理", "#add-user input")
        assert ("系统管理", "password", "“初始密码”至少需要8个字符，现有5个。") in found
        page.fill("#dl-year", "1999")
        messages("系统管理", "#dl-year, #dl-due")
        assert page.get_attribute("#dl-due", "type") == "text"
        page.goto(f"{url}/evaluations")
        page.fill("#year", "")
        messages("部门自评", "#new-form input")
        page.goto(f"{url}/account")
        messages("账户", "form input")
        # a department officer's evaluation page (the workbook to choose, the submission's confirmation) and the
        # bureau's page (the files of a batch): every field that must be filled, left empty
        with server[1].state.factory() as db:
            department = Department(name="深圳市宝安区英文浏览器测试局", region="广东省深圳市宝安区")
            db.add(department)
            db.flush()
            db.add(
                User(
                    username="english",
                    password_hash=hash_password(PASSWORD),
                    role="filler",
                    department_id=department.id,
                )
            )
            db.commit()
        officer = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US").new_page()
        _sign_in_by_keyboard(officer, url, "english", PASSWORD)
        officer.fill("#year", "2023")
        _click_and_wait(officer, "#new-form button[type=submit]")
        found.extend(("自评", name, text) for name, text in officer.evaluate(EMPTIED))
        page.goto(f"{url}/bureau")
        found.extend(("财政局看板", name, text) for name, text in page.evaluate(EMPTIED))
        assert any(where == "自评" and name == "file" for where, name, _ in found), found
        english = [
            item for item in found if re.search(r"[A-Za-z]{3,}", item[2]) or not re.search(r"[\u4e00-\u9fff]", item[2])
        ]
        assert not english, english
        assert {where for where, _, _ in found} >= {"登录", "系统管理", "部门自评", "账户"}, found
        browser.close()


def test_what_was_typed_comes_back_after_the_session_ended(server):
    """A department officer types into the form and the report's text while the session ends (12 hours, or an
    administrator's reset): the save asked to sign in again and then went to the form's own address (不支持的操作),
    everything typed lost. Now the sign-in leads back to the evaluation page, which puts back what was not saved
    (kept in the window) with a note; saved, it is stored and the note is gone."""
    from sqlalchemy import delete

    from jixiao.web.db import Session, User

    url, app = server
    _new_filler(app, "draft", "深圳市宝安区草稿测试局")
    narrative = "本年度预算执行总体良好。\n\n一、主要做法：加强预算编制与执行监控。"
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(page, url, "draft", PASSWORD)
        page.fill("#year", "2023")
        _click_and_wait(page, "#new-form button[type=submit]")
        evaluation_page = page.url.split("?")[0]
        page.fill("[id='f-budget.initial.total']", "2,377.56")
        boxes = page.locator("#narrative-form textarea")
        section = boxes.first.get_attribute("id")
        boxes.first.fill(narrative)
        page.wait_for_timeout(500)  # the draft is kept 300 ms after the last keystroke
        with app.state.factory() as db:  # the session ends
            db.execute(delete(Session).where(Session.user_id == db.query(User).filter_by(username="draft").one().id))
            db.commit()
        _click_and_wait(page, "#narrative-form button[type=submit]")
        assert "/login" in page.url
        page.get_by_label("用户名").fill("draft")
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == evaluation_page  # the page the form was on, not /evaluations/N/narrative
        assert page.input_value(f"[id='{section}']") == narrative
        assert page.input_value("[id='f-budget.initial.total']") == "2,377.56"
        assert "已恢复您在本窗口填写但未保存的" in page.inner_text("#narrative-form .draft-note")
        _click_and_wait(page, "#narrative-form button[type=submit]")
        assert "报告文字已保存" in page.inner_text("#message")
        assert (
            page.input_value(f"[id='{section}']") == narrative
            and not page.locator("#narrative-form .draft-note").count()
        )
        page.reload()
        assert not page.locator("#narrative-form .draft-note").count()
        assert page.input_value("[id='f-budget.initial.total']") == "2,377.56"  # not saved yet: still put back
        page.click("#data-form .draft-note button")  # 放弃恢复
        assert page.input_value("[id='f-budget.initial.total']") == ""
        page.reload()
        assert page.input_value("[id='f-budget.initial.total']") == "" and not page.locator(".draft-note").count()
        # typed here, saved meanwhile from another window: not put back over the saved value unseen
        page.fill("[id='f-budget.initial.total']", "100")
        page.wait_for_timeout(500)
        other = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(other, url, "draft", PASSWORD)
        other.goto(evaluation_page)
        other.fill("[id='f-budget.initial.total']", "200")
        _click_and_wait(other, "#data-form button[type=submit]")
        page.reload()
        assert page.input_value("[id='f-budget.initial.total']") == "200.00"
        note = page.inner_text("#data-form .draft-note")
        assert "另有1项（“年初预算·合计”）在您填写之后已另行保存" in note and "已恢复" not in note
        page.click("#data-form .draft-note >> text=仍用我填写的内容")
        assert page.input_value("[id='f-budget.initial.total']") == "100"
        # signed out on purpose: nothing typed is left in the window for whoever signs in next
        page.wait_for_timeout(500)
        with page.expect_navigation():
            page.click("form[action='/logout'] button")
        _sign_in_by_keyboard(page, url, "draft", PASSWORD)
        page.goto(evaluation_page)
        assert page.input_value("[id='f-budget.initial.total']") == "200.00" and not page.locator(".draft-note").count()
        browser.close()


def test_a_reviewers_return_comment_comes_back_after_the_session_ended(server):
    """The bureau's reviewer writes a long 退回意见 while the session ends: it came back empty after signing in."""
    from sqlalchemy import delete

    from jixiao.web.db import Department, Session, User
    from jixiao.web.service import create_evaluation

    url, app = server
    with app.state.factory() as db:
        department = Department(name="深圳市宝安区退回草稿测试局", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        admin = db.query(User).filter_by(username="admin").one()
        evaluation, _ = create_evaluation(db, admin, department, 2023, "shenzhen-baoan/department/2023")
        evaluation.status = "submitted"
        db.commit()
        evaluation_page = f"{url}/evaluations/{evaluation.id}"
    comment = "请补充预算执行率偏低的原因说明，并附上季度执行分析。"
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(page, url, "caizheng", PASSWORD)
        page.goto(evaluation_page)
        page.fill("#return-comment", comment)
        page.wait_for_timeout(500)
        with app.state.factory() as db:
            user = db.query(User).filter_by(username="caizheng").one()
            db.execute(delete(Session).where(Session.user_id == user.id))
            db.commit()
        _click_and_wait(page, "#return-form button[type=submit]")
        assert "/login" in page.url
        page.get_by_label("用户名").fill("caizheng")
        page.get_by_label("密码").fill(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == evaluation_page and page.input_value("#return-comment") == comment
        assert "已恢复" in page.inner_text("#return-form .draft-note")
        browser.close()


def _session_ends(app, username: str) -> None:
    from sqlalchemy import delete

    from jixiao.web.db import Session, User

    with app.state.factory() as db:
        user = db.query(User).filter_by(username=username).one()
        db.execute(delete(Session).where(Session.user_id == user.id))
        db.commit()


def _sign_in_again(page, username: str) -> None:
    assert "/login" in page.url
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_admin_and_cycle_forms_keep_what_was_typed_after_the_session_ended(server):
    """The administrator's forms (a department, a user, a deadline, a reviewer's region) and the cycle pages' editor
    lost what was typed when the session ended: only the evaluation page's forms were kept in the window. Now every
    form marked data-draft is kept by one mechanism (app.js), the password never; a save refused first (shown at the
    form's own address, /admin/departments) and sent again after the session ended leads back to /admin, not to a
    page of 不支持的操作."""
    url, app = server
    _new_filler(app, "cycledraft", "深圳市宝安区周期草稿测试局")
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(page, url, "admin", PASSWORD)
        page.goto(f"{url}/admin")
        page.fill("#d-name", "深圳市宝安区妇女联合会")  # exists: refused, the page shown at /admin/departments
        page.fill("#d-region", "广东省深圳市宝安区")
        _click_and_wait(page, "#add-department button[type=submit]")
        assert "已存在" in page.inner_text("#message")
        page.fill("#d-name", "深圳市宝安区档案馆")
        page.fill("#d-code", "BA-0417")
        page.fill("#u-name", "dangan")
        page.fill("#u-display", "宝安区档案馆财务")
        page.fill("#u-password", "a-password-typed")
        page.fill("#dl-due", "2027年3月31日")
        page.wait_for_timeout(500)
        _session_ends(app, "admin")
        _click_and_wait(page, "#add-department button[type=submit]")
        _sign_in_again(page, "admin")
        assert page.url == f"{url}/admin"
        assert page.input_value("#d-name") == "深圳市宝安区档案馆" and page.input_value("#d-code") == "BA-0417"
        assert page.input_value("#d-region") == "广东省深圳市宝安区"
        assert page.input_value("#u-name") == "dangan" and page.input_value("#u-display") == "宝安区档案馆财务"
        assert page.input_value("#u-password") == ""  # a password is never kept in the window
        assert page.input_value("#dl-due") == "2027年3月31日"
        assert "已恢复" in page.inner_text("#add-department .draft-note")
        _click_and_wait(page, "#add-department button[type=submit]")
        assert "已添加部门" in page.inner_text("#message")
        assert not page.locator("#add-department .draft-note").count() and page.input_value("#d-name") == ""
        # a department officer's 绩效目标 typed in the cycle page's editor
        officer = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN").new_page()
        _sign_in_by_keyboard(officer, url, "cycledraft", PASSWORD)
        officer.fill("#year", "2023")
        _click_and_wait(officer, "#new-form button[type=submit]")
        targets_page = officer.url.split("?")[0] + "/targets"
        officer.goto(targets_page)
        typed = "年度总体目标: 完成全区妇女儿童维权服务\n年度资金总额: 1,200.00\n"
        officer.fill("#text", typed)
        officer.wait_for_timeout(500)
        _session_ends(app, "cycledraft")
        _click_and_wait(officer, "#cycle-form button[type=submit]")
        _sign_in_again(officer, "cycledraft")
        assert officer.url == targets_page
        assert officer.input_value("#text") == typed
        assert "已恢复" in officer.inner_text("#cycle-form .draft-note")
        browser.close()

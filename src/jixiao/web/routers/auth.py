"""Signing in and out, and the user's own account (password change, forced after an administrator's reset)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Form as FormField
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from .. import throttle
from ..db import KnownDevice, User, now
from ..deps import COOKIE, Db, Form, SignedIn, page
from ..security import MIN_PASSWORD, check_password, end_sessions, hash_password, hash_token, new_session
from ..service import audit

router = APIRouter()
LOGIN_COOKIE = "jixiao_login"
DEVICE_COOKIE = "jixiao_device"
DEVICE_DAYS = 365


def _secure(request: Request) -> bool:
    """Cookies are Secure when configured so, or when the request came over TLS."""
    return request.app.state.secure_cookies or request.url.scheme == "https"


def _safe_next(target: str) -> str:
    """Only a path on this site (not "//host" nor "/\\host", which browsers treat as another site)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target and len(target) < 300:
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str = "/", out: str = ""):
    token = secrets.token_urlsafe(16)
    context = {"next": _safe_next(next), "login_token": token, "error": "", "signed_out": bool(out)}
    response = page(request, "login.html", context)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request))
    return response


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, FormField(max_length=100)],
    password: Annotated[str, FormField(max_length=256)],
    login_token: Annotated[str, FormField(max_length=100)] = "",
    next: Annotated[str, FormField(max_length=300)] = "/",
):
    ip = request.client.host if request.client else "-"
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    username = username.strip()

    def again(error: str, status: int):
        context = {"next": _safe_next(next), "login_token": cookie, "error": error, "username": username}
        return page(request, "login.html", context, status)  # the name typed kept: only the password is typed again

    if not cookie or not secrets.compare_digest(cookie.encode(), login_token.encode()):
        return again("页面已过期，请重新登录。", 400)
    device = request.cookies.get(DEVICE_COOKIE)
    verdict = throttle.before_attempt(request.app.state.factory, username, ip, device)
    if not verdict.allowed:
        return again(verdict.message, 429)
    user = db.scalar(select(User).where(User.username == username))
    if not check_password(user, password) or user is None:  # the password first: an unknown name costs a hash too
        return again("用户名或密码错误。", 401)
    throttle.succeeded(request.app.state.factory, username, ip)
    _, token = new_session(db, user)
    user.last_login_at = now()
    audit(db, user, "login", f"user:{user.id}", ip, via="login")
    response = RedirectResponse("/account?must=1" if user.must_change_password else _safe_next(next), status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), max_age=12 * 3600)
    response.delete_cookie(LOGIN_COOKIE)
    with db.no_autoflush:
        known = throttle.known_device(db, user.username, device)
    if not known:  # remember this browser for this account
        device = secrets.token_urlsafe(32)
        db.add(KnownDevice(token_hash=hash_token(device), user_id=user.id))
        response.set_cookie(
            DEVICE_COOKIE, device, httponly=True, samesite="lax", secure=_secure(request), max_age=DEVICE_DAYS * 86400
        )
    return response


@router.post("/logout")
def logout(actor: SignedIn, db: Db, form: Form):
    db.delete(actor.session)
    response = RedirectResponse("/login?out=1", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/account")
def account(request: Request, actor: SignedIn, must: str = "", done: str = ""):
    return page(request, "account.html", {"must": bool(must) or actor.user.must_change_password, "done": bool(done)})


@router.post("/account/password")
def change_password(request: Request, actor: SignedIn, db: Db, form: Form):
    user = actor.user
    current, new, again = (form.get(k, "")[:256] for k in ("current", "new", "again"))
    error = ""
    if not check_password(user, current):
        error = "当前密码不正确。"
    elif len(new) < MIN_PASSWORD:
        error = f"新密码至少{MIN_PASSWORD}位。"
    elif new != again:
        error = "两次输入的新密码不一致。"
    elif new == current:
        error = "新密码不能与当前密码相同。"
    if error:
        return page(request, "account.html", {"must": user.must_change_password, "error": error}, status=422)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(db, user)
    _, token = new_session(db, user)
    audit(db, user, "password", f"user:{user.id}", "本人修改密码", via="account")
    response = RedirectResponse("/account?done=1", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), max_age=12 * 3600)
    return response

"""OpenAPI paths of the customer API: merges, duplicates, privacy, imports, insight, surveys."""

from __future__ import annotations

from typing import Any

from hub.api.requests_people import EraseBody, MergeBody, Nothing
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_OBJ = {"type": "object"}
_CSV = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


CUSTOMER_PATHS: dict[str, Any] = {
    "/api/v1/customers/{id}/merge": {
        "post": {"summary": "Merge this customer into another (audited; 409 when either was merged, 422 into itself); "
                            "open tickets take the merged tier (the more valuable record's, or an override)",
                 "parameters": _ID, "requestBody": request_body(MergeBody), "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/merges/{id}/undo": {
        "post": {"summary": "Undo a merge exactly (409 when undone already or merged on since)",
                 "parameters": _ID, "requestBody": request_body(Nothing, required=False), "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/{id}/duplicates": {
        "get": {"summary": "Probable duplicates, best first, with score (0-100) and evidence",
                "parameters": _ID, "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/{id}/export": {
        "get": {"summary": "Everything held on one customer, as JSON (supervisors; audited)",
                "parameters": _ID, "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/{id}/erase": {
        "post": {"summary": "Erase personal data everywhere (records merged into it too), keep anonymous figures "
                            "(supervisors; audited; 409 with open tickets unless close_open_tickets is true); "
                            "answers the rows erased per store and files_removed",
                 "parameters": _ID, "requestBody": request_body(EraseBody, required=False),
                 "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/at-risk": {
        "get": {"summary": "Recently active customers by churn risk, with reasons (?min=30)", "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/import": {
        "post": {"summary": "Import customers from CSV (UTF-8/UTF-16/GBK/Big5/Windows-1252; comma, semicolon or "
                            "tab): name, email, phone (+ extension, country, address), wechat_openid (+ "
                            "wechat_account), wechat_unionid, webchat, site_user, tier, annual_margin; Outlook, "
                            "Google and Chinese CRM column names too. Answers imported, updated, refused, errors "
                            "(line, field, value, error, refused), duplicates, possible_duplicates (a shared "
                            "phone), ignored_columns",
                 "requestBody": _CSV, "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/orders/import": {
        "post": {"summary": "Import orders from CSV (email|phone|customer_id, amount, date): value and tier",
                 "requestBody": _CSV, "responses": _ok(_OBJ)},
    },
    "/api/v1/surveys/stats": {
        "get": {"summary": "Satisfaction by agent, tier, skill or channel (?by=)", "responses": _ok(_OBJ)},
    },
}  # fmt: skip

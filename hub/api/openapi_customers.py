"""OpenAPI paths of the customer API: merges, duplicates, privacy, imports, insight, surveys."""

from __future__ import annotations

from typing import Any

from hub.api.requests_people import EraseBody, MergeBody, Nothing
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_OBJ = {"type": "object"}
_CSV = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}},
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                                          {"schema": {"type": "string", "format": "binary"}}}}  # fmt: skip
_DUPLICATE_QUERY = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
    {"name": "min_score", "in": "query", "description": "the least score listed (default: the threshold)",
     "schema": {"type": "integer", "minimum": 0, "maximum": 100}},
]  # fmt: skip
_SIGNAL = {"type": "object", "required": ["signal", "strength", "points", "detail"], "properties": {
    "signal": {"type": "string", "description": "same_mailbox, same_mobile, same_landline, phone_tail, "
                                                "name_same, name_differs, ... (docs/customers.md)"},
    "strength": {"type": "string", "enum": ["strong", "medium", "weak", "against"]},
    "points": {"type": "number", "description": "log-odds the signal adds (negative: against)"},
    "detail": {"type": "string"}}}  # fmt: skip
_DUPLICATES = {"type": "object", "required": ["threshold", "duplicates"], "properties": {
    "threshold": {"type": "integer", "description": "the score from which a pair is suggested"},
    "duplicates": {"type": "array", "items": {"type": "object", "properties": {
        "customer_id": {"type": "integer"}, "name": {"type": "string"},
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "basis": {"type": "string", "enum": ["strong", "medium", "weak", "none"]},
        "evidence": {"type": "array", "items": {"type": "string"}},
        "signals": {"type": "array", "items": _SIGNAL}}}}}}  # fmt: skip


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
        "get": {"summary": "Probable duplicates, best first: score (the probability in percent that the two are "
                           "one person), basis (the strongest signal: strong, medium, weak) and the signals with "
                           "their points; only those at the threshold or above unless ?min_score= says less. "
                           "Nothing is merged: an agent decides",
                "parameters": [*_ID, *_DUPLICATE_QUERY], "responses": _ok(_DUPLICATES)},
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
                            "tab) or an Excel workbook (.xlsx: the first visible sheet whose columns are recognised; "
                            "title rows and two-row merged headers found): name, email, phone (+ extension, "
                            "country, address), wechat_openid (+ wechat_account), wechat_unionid, webchat, "
                            "site_user, tier, annual_margin; Outlook, Google and Chinese CRM column names too. "
                            "Answers imported, updated, refused, errors "
                            "(line, field, value, error, refused), duplicates, possible_duplicates (a shared "
                            "phone), ignored_columns",
                 "requestBody": _CSV, "responses": _ok(_OBJ)},
    },
    "/api/v1/customers/orders/import": {
        "post": {"summary": "Import orders from CSV or .xlsx (email|phone|customer_id, amount, date): value and tier",
                 "requestBody": _CSV, "responses": _ok(_OBJ)},
    },
    "/api/v1/surveys/stats": {
        "get": {"summary": "Satisfaction by agent, tier, skill or channel (?by=)", "responses": _ok(_OBJ)},
    },
}  # fmt: skip

"""Which customer field each column of an export holds: our names, Outlook's and Google's, and Chinese CRMs'.

Headers are compared without case, spaces or punctuation ("E-mail 2 Address" = "email2address"). A field may
come from several columns (Mobile Phone, Business Phone, Home Phone): all of them are read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

IDENTITY_FIELDS = ("email", "phone", "wechat_openid", "wechat_unionid", "webchat", "site_user")

# (pattern over the folded header, field); the first that matches wins.
_COLUMNS: tuple[tuple[str, str], ...] = (
    (r"(customer|contact|display|full)?name|姓名|名称|名字|客户|客户名称|客户姓名|"
     r"联系人|联系人姓名|称呼|客戶|客戶名稱|聯絡人|稱呼|nom|nombre", "name"),
    (r"(first|given)name|名|vorname|prenom|prénom", "first_name"),
    (r"(middle|additional)name", "middle_name"),
    (r"(last|family)name|surname|姓|nachname", "last_name"),
    (r"e?mail\d*(address|value|adresse)?\d*|emailadresse|邮箱|邮箱地址|电子邮箱|"
     r"电子邮件|电子邮件地址|邮件|電郵|電子郵件|電子郵箱|郵箱|courriel", "email"),
    (r"(business|home|primary|other|companymain|work|main|mobile|car)?(phone|telephone|tel|mobile|cell|cellphone)"
     r"(number|no)?\d*(value)?|手机|手机号|手机号码|移动电话|电话|电话号码|联系电话|"
     r"联系方式|座机|固话|固定电话|办公电话|電話|手機|聯絡電話|流動電話|"
     r"(mobil|auto)?telefon(nummer|geschäftlich|privat)?\d*|handy|mobil|téléphone|telephone|portable|"
     r"teléfono|móvil", "phone"),
    (r"ext|extension|分机|分机号", "extension"),
    (r"(business|home|other)?country(region)?|address\d*country|countrycode|"
     r"国家|国家地区|国别|國家|國家地區|地區|land(region)?(geschäftlich|privat)?|pays|país", "country"),
    (r"(business|home|other)?(address|street|city|province|postaladdress)(line)?\d*(formatted|street|city|region)?|"
     r"地址|联系地址|详细地址|通讯地址|家庭住址|公司地址|所在地|城市|省份|省市|"
     r"adresse|dirección|ville|ciudad|(straße|strasse|ort|stadt|bundesland)(geschäftlich|privat)?", "address"),
    (r"tier|level|customertier|customerlevel|等级|客户等级|会员等级|客户级别|级别|等級|會員等級", "tier"),
    (r"annualmargin|margin|yearlymargin|年利润|年毛利|毛利|年度利润", "annual_margin"),
    (r"(wechat|wx|微信)?openid", "wechat_openid"),
    (r"(wechat|wx|微信)?unionid", "wechat_unionid"),
    (r"wechat(account|appid)|appid|公众号|officialaccount", "wechat_account"),
    (r"webchat|webchat(visitor)?(id|key)|visitor(id|key)|访客id", "webchat"),
    (r"(web)?siteuser(id)?|网站用户id", "site_user"),
    (r"(webchat)?widget", "widget"),
)  # fmt: skip
_COMPILED = tuple((re.compile(f"(?:{pattern})"), name) for pattern, name in _COLUMNS)


def fold(header: str) -> str:
    """ "E-mail 2 Address" -> "email2address", "国家/地区" -> "国家地区"."""
    text = unicodedata.normalize("NFKC", header).casefold()
    return re.sub(r"[\s_\-./:()（）／:：'\"#*]+", "", text)


def field_of(header: str) -> str | None:
    key = fold(header)
    if not key:
        return None
    return next((name for pattern, name in _COMPILED if pattern.fullmatch(key)), None)


@dataclass(frozen=True, slots=True)
class Columns:
    """Column positions per field, and the columns no field claims (reported, not silently dropped)."""

    fields: dict[str, list[int]]
    ignored: list[str]

    @classmethod
    def of(cls, header: list[str]) -> Columns:
        fields: dict[str, list[int]] = {}
        ignored = []
        for position, name in enumerate(header):
            found = field_of(name)
            if found is None:
                if name.strip():
                    ignored.append(name.strip())
                continue
            fields.setdefault(found, []).append(position)
        return cls(fields, ignored)

    def has_identity(self) -> bool:
        return any(f in self.fields for f in IDENTITY_FIELDS)

    def values(self, cells: list[str]) -> dict[str, list[str]]:
        """Field -> the non-empty cells of its columns, in column order."""
        out: dict[str, list[str]] = {}
        for name, positions in self.fields.items():
            found = [cells[p].strip() for p in positions if p < len(cells) and cells[p].strip()]
            if found:
                out[name] = found
        return out

"""E-mail over SMTP: STARTTLS (or implicit TLS) and login, credentials from environment variables."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

from sensors.channels.base import DeliveryError, Notification, channel_redactor, credential_secrets
from sensors.rules import EmailChannelConfig


class EmailChannel:
    def __init__(
        self,
        name: str,
        *,
        host: str | None,
        port: int,
        security: str,
        from_address: str,
        to: list[str],
        username: str | None = None,
        password: str | None = None,
        ca_file: str | None = None,
        timeout: float = 20.0,
        missing: list[str] | None = None,
    ) -> None:
        self.name = name
        self.host, self.port, self.security = host, port, security
        self.from_address, self.to = from_address, to
        self._username, self._password = username, password
        self.ca_file, self.timeout = ca_file, timeout
        self._missing = missing or []
        # a server may echo the credentials (as typed or base64) in its reply
        self._redact = channel_redactor(credential_secrets(username, password))

    @classmethod
    def from_config(cls, name: str, spec: EmailChannelConfig, env: Mapping[str, str]) -> EmailChannel:
        missing: list[str] = []
        host = spec.host or (env.get(spec.host_env) if spec.host_env else None) or None
        if not host:
            missing.append(spec.host_env or "host")
        recipients = list(spec.to)
        if spec.to_env and env.get(spec.to_env):
            recipients += [part.strip() for part in env[spec.to_env].split(",") if part.strip()]
        if not recipients:
            missing.append(spec.to_env or "to")
        username = (env.get(spec.username_env) if spec.username_env else None) or None
        password = (env.get(spec.password_env) if spec.password_env else None) or None
        if username and not password:
            missing.append(spec.password_env or "password_env")
        return cls(
            name,
            host=host,
            port=spec.port,
            security=spec.security,
            from_address=spec.from_address,
            to=recipients,
            username=username,
            password=password,
            ca_file=spec.ca_file,
            timeout=spec.timeout_seconds,
            missing=missing,
        )

    def not_configured_reason(self) -> str | None:
        if self._missing:
            return "not configured: environment variable(s) " + ", ".join(self._missing) + " not set"
        return None

    def __repr__(self) -> str:
        return f"EmailChannel(name={self.name!r}, host={self.host!r}, port={self.port}, to={self.to!r})"

    def message(self, notification: Notification) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = f"[socialpulse] {notification.severity}: {notification.title}"
        message["From"] = self.from_address
        message["To"] = ", ".join(self.to)
        message["X-Socialpulse-Alert-Id"] = notification.key
        lines = [notification.title, "", notification.text, ""]
        lines += [f"{label}: {value}" for label, value in notification.fields.items()]
        if notification.link:
            lines += ["", f"{notification.link_label}: {notification.link}"]
        message.set_content("\n".join(lines) + "\n")
        return message

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def send(self, notification: Notification) -> None:
        reason = self.not_configured_reason()
        if reason or not self.host:
            raise DeliveryError(reason or "not configured")
        try:
            if self.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if self.security == "starttls":
                    smtp.starttls(context=self._tls_context())
                    smtp.ehlo()
                if self._username and self._password:
                    smtp.login(self._username, self._password)
                smtp.send_message(self.message(notification))
        except (smtplib.SMTPException, OSError) as exc:
            # SMTP errors carry the server's reply, which may echo what we sent
            raise DeliveryError(self._redact(f"{type(exc).__name__} from {self.host}:{self.port}: {exc}")) from None

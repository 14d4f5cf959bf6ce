"""Points Mall: the application factory."""
import os
from inspect import iscoroutinefunction
from pathlib import Path
from weakref import WeakKeyDictionary

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import program_source
from .config import ProductionConfig, config_class, instance_secret, program_settings, sqlite_url
from .deployment import refuse_unsafe_start
from .extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from .web import rate_limits, routing, static_files
from .web.templates import LanguageEnvironment

ROOT = Path(__file__).resolve().parent.parent


class MallFlask(Flask):
    """Flask, with a configuration that counts its changes (the running program is built
    again only after one), templates compiled once for each language, and each function
    Flask calls for a request looked at once to see whether it is a coroutine."""

    config_class = program_source.CountedConfig
    jinja_environment = LanguageEnvironment
    # Whether each hook, view, context processor and error handler is a plain function:
    # Flask asks `inspect` again for every one of them on every request, and the answer is
    # the function's own. Kept only while the function lives.
    _plain: WeakKeyDictionary = WeakKeyDictionary()

    def ensure_sync(self, func):
        """Flask's, with each function's answer found once."""
        try:
            plain = self._plain[func]
        except KeyError:
            plain = self._plain[func] = not iscoroutinefunction(func)
        except TypeError:   # a callable that cannot be referred to weakly
            return super().ensure_sync(func)
        return func if plain else self.async_to_sync(func)


def create_app(config: dict | None = None) -> Flask:
    app = MallFlask(__name__, template_folder=str(ROOT / "templates"),
                    static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    settings = config_class()
    app.config.from_object(settings)
    app.config.from_mapping(program_settings(os.environ))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    refuse_unsafe_start(app.config, production=issubclass(settings, ProductionConfig),
                        instance_path=app.instance_path)
    if app.config["PROXY_HOPS"]:  # behind nginx: the client's address and scheme
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    static_files.register(app)  # hashed, compressed copies served with a year's cache
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = sqlite_url(app.instance_path)
    program = program_source.install(app)   # a setting the program cannot follow stops here
    app.config["BABEL_DEFAULT_TIMEZONE"] = program.timezone

    _bind_extensions(app)
    routing.register(app)  # before any route is added
    _register_blueprints(app)
    rate_limits.check_only_where_limited(app)   # once every view and its limits are in
    _register_commands(app)
    return app


def _bind_extensions(app: Flask) -> None:
    from .database import configure_engine
    from .web import guards, i18n, members

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    # Before CSRFProtect and the limiter: before_request hooks run in the order they are
    # added, and a body no form sends is refused before a token or a counter is looked at.
    guards.register(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    login_manager.init_app(app)
    members.setup(login_manager)
    limiter.init_app(app)
    with app.app_context():
        configure_engine(db.engine)


def _register_blueprints(app: Flask) -> None:
    from . import admin, kiosk, media, sms
    from .api.views import bp as api_bp
    from .auth import account, codes, credentials, views  # noqa: F401  (routes on auth's bp)
    from .auth import bp as auth_bp
    from .earn.views import bp as earn_bp
    from .inbox import views as inbox
    from .payments.views import bp as payments_bp
    from .storefront import (
        card,  # noqa: F401  (the member card's routes on the bp)
        history_lines,
    )
    from .storefront import cards as item_cards
    from .storefront.views import bp as storefront_bp
    from .web import errors, every_request, i18n, layout, messages, page_links, requestlog, security

    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(earn_bp)
    app.register_blueprint(storefront_bp)
    app.register_blueprint(payments_bp)
    inbox.register(app)
    media.register(app)
    sms.register(app)
    admin.register(app)
    kiosk.register(app)
    errors.register(app)
    security.register(app)
    requestlog.register(app)
    every_request.register(app)
    i18n.register(app)
    layout.register(app)
    messages.register(app)
    page_links.register(app)
    item_cards.register(app)
    history_lines.register(app)


def _register_commands(app: Flask) -> None:
    from . import cli

    cli.register(app)

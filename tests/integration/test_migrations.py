"""The schema comes from the migrations, and they agree with the models."""
from flask_migrate import check, downgrade, upgrade


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    check()  # raises when autogenerate would find a difference


def test_the_migrations_go_down_and_up_again(app):
    downgrade(revision="base")
    upgrade()
    check()

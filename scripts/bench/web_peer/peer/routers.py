"""The help desk's tables (the `peer` app's unmanaged models) live in helpdesk.db; the rest in `default`."""

HELPDESK_APP = "peer"
HELPDESK_DB = "helpdesk"


class HelpdeskRouter:
    def db_for_read(self, model, **hints):
        return HELPDESK_DB if model._meta.app_label == HELPDESK_APP else "default"

    def db_for_write(self, model, **hints):
        return HELPDESK_DB if model._meta.app_label == HELPDESK_APP else "default"

    def allow_relation(self, obj1, obj2, **hints):
        return (obj1._meta.app_label == HELPDESK_APP) == (obj2._meta.app_label == HELPDESK_APP)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Nothing is ever created in helpdesk.db; the help desk owns its schema.
        if db == HELPDESK_DB or app_label == HELPDESK_APP:
            return False
        return True

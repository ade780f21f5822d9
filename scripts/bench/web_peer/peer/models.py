"""The help desk's own tables (migrations/sqlite/V1__initial.sql, V3), read as they are."""
from django.db import models


class Branch(models.Model):
    id = models.IntegerField(primary_key=True)
    code = models.TextField(unique=True)
    name = models.TextField(unique=True)
    address = models.TextField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "branches"

    def __str__(self):
        return self.name


class User(models.Model):
    ROLES = [("user", "User"), ("storekeeper", "Storekeeper"), ("support", "Support"), ("admin", "Administrator")]

    telegram_id = models.BigIntegerField(primary_key=True)
    full_name = models.TextField()
    username = models.TextField(null=True)
    phone = models.TextField(null=True)
    role = models.TextField(choices=ROLES, default="user")
    branch = models.ForeignKey(Branch, models.DO_NOTHING, null=True, related_name="+")
    language = models.TextField(null=True)
    blocked = models.BooleanField(default=False)
    on_duty = models.BooleanField(default=True)
    bot_blocked_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "users"

    def __str__(self):
        return self.full_name


class Request(models.Model):
    KINDS = [("cartridge", "Cartridge"), ("repair", "Repair"), ("maintenance", "Maintenance"), ("it_help", "IT help")]
    PRIORITIES = [("low", "low"), ("medium", "medium"), ("high", "high")]
    STATUSES = [
        ("new", "New"),
        ("accepted", "Accepted"),
        ("done", "Done"),
        ("rejected", "Rejected"),
        ("cancelled", "Cancelled"),
    ]

    id = models.IntegerField(primary_key=True)
    kind = models.TextField(choices=KINDS)
    author = models.ForeignKey(User, models.DO_NOTHING, related_name="+")
    branch = models.ForeignKey(Branch, models.DO_NOTHING, related_name="+")
    contact_name = models.TextField()
    contact_phone = models.TextField()
    description = models.TextField()
    priority = models.TextField(choices=PRIORITIES)
    status = models.TextField(choices=STATUSES, default="new")
    assignee = models.ForeignKey(User, models.DO_NOTHING, null=True, related_name="+")
    rejection_reason = models.TextField(null=True)
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    archived_at = models.DateTimeField(null=True)
    sla_level = models.IntegerField(default=0)
    sla_notified_at = models.DateTimeField(null=True)
    client_key = models.TextField(null=True, unique=True)
    sla_resolve_level = models.IntegerField(default=0)

    class Meta:
        managed = False
        db_table = "requests"

    @property
    def number(self):
        return f"HD-{self.id:06d}"

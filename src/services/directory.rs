//! Branches and people: listing, adding, roles and blocking.

use super::{Actor, App, AuditEvent, Error, Result, audit, effective_role, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::{self, authorize};
use crate::domain::{BranchId, BranchKey, Entity, Lang, Permission, Phone, Principal, Refusal, Role, TextField};
use crate::store::{Branch, NewBranch, Tx, User, UserFilter, Warehouse};
use serde_json::json;

pub fn branches(app: &App) -> Result<Vec<Branch>> {
    Ok(app.store.read()?.branches()?)
}

/// The branch a key names (see [`lookup::branch`]).
pub fn branch(app: &App, key: &BranchKey) -> Result<Branch> {
    lookup::branch(&mut *app.store.read()?, key)
}

/// One branch, by id.
pub fn branch_by_id(app: &App, id: BranchId) -> Result<Branch> {
    lookup::branch_by_id(&mut *app.store.read()?, id)
}

pub fn warehouses(app: &App) -> Result<Vec<Warehouse>> {
    Ok(app.store.read()?.warehouses()?)
}

/// Checks a short code: letters, digits, `-` and `_`, at most 32.
pub fn valid_code(what: Entity, code: &str) -> Result<String> {
    let c = code.trim();
    if c.is_empty() || c.len() > 32 || !c.chars().all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_') {
        return Err(Refusal::BadCode { what, code: code.to_string() }.into());
    }
    Ok(c.to_string())
}

/// Checks a name: not empty, at most `max` characters, no control characters.
pub fn valid_name(what: TextField, name: &str, max: usize) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Refusal::EmptyText { what }.into());
    }
    if n.chars().count() > max {
        return Err(Refusal::TextTooLong { what, max }.into());
    }
    if n.chars().any(char::is_control) {
        return Err(Refusal::ControlCharacters { what }.into());
    }
    Ok(n.to_string())
}

pub fn add_branch(app: &App, actor: &Actor, code: &str, name: &str, address: Option<&str>) -> Result<Branch> {
    let new = NewBranch {
        code: valid_code(Entity::Branch, code)?,
        name: valid_name(TextField::BranchName, name, 200)?,
        address: address.map(|a| valid_name(TextField::Address, a, 500)).transpose()?,
    };
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    for b in tx.branches()? {
        if b.code.eq_ignore_ascii_case(&new.code) {
            return Err(Refusal::BranchCodeTaken { code: b.code, name: b.name }.into());
        }
        if b.name == new.name {
            return Err(Refusal::BranchNameTaken { name: b.name, code: b.code }.into());
        }
    }
    let branch = tx.insert_branch(&new, now)?;
    audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::BranchAdd, "branch", branch.id).after(json!(branch)))?;
    tx.commit()?;
    Ok(branch)
}

/// A person with their effective role (super admins from configuration shown as such).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user: User,
    pub role: Role,
    pub branch_code: Option<String>,
}

impl Person {
    /// Who they are to [`authorize`]: their effective role and blocked flag as read.
    pub fn principal(&self) -> Principal {
        Principal::User { id: self.user.telegram_id, role: self.role, blocked: self.user.blocked }
    }

    /// What they may do that is not about one request: which menus to offer them.
    pub fn granted(&self) -> Vec<Permission> {
        permissions::granted(&self.principal())
    }
}

/// One person by Telegram ID, with their effective role; `None` if unknown.
pub fn person(app: &App, telegram_id: i64) -> Result<Option<Person>> {
    let mut tx = app.store.read()?;
    let Some(user) = tx.user(telegram_id)? else { return Ok(None) };
    let branch_code = match user.branch_id {
        Some(id) => tx.branch(id)?.map(|b| b.code),
        None => None,
    };
    let role = effective_role(&app.settings, user.telegram_id, user.role);
    Ok(Some(Person { user, role, branch_code }))
}

pub fn users(app: &App, filter: &UserFilter) -> Result<Vec<Person>> {
    let mut tx = app.store.read()?;
    let branches = tx.branches()?;
    let mut out = Vec::new();
    for user in tx.users(filter)? {
        let role = effective_role(&app.settings, user.telegram_id, user.role);
        if filter.role.is_some_and(|r| r != role) {
            continue;
        }
        let branch_code = user.branch_id.and_then(|id| branches.iter().find(|b| b.id == id)).map(|b| b.code.clone());
        out.push(Person { user, role, branch_code });
    }
    // Super admins whose stored role is something else are still super admins.
    if filter.role == Some(Role::SuperAdmin) {
        let ids: Vec<i64> = out.iter().map(|p| p.user.telegram_id).collect();
        for u in tx.users(&UserFilter { role: None, ..filter.clone() })? {
            if app.settings.is_super_admin(u.telegram_id) && !ids.contains(&u.telegram_id) {
                let branch_code =
                    u.branch_id.and_then(|id| branches.iter().find(|b| b.id == id)).map(|b| b.code.clone());
                out.push(Person { user: u, role: Role::SuperAdmin, branch_code });
            }
        }
    }
    Ok(out)
}

/// What it takes to add a person by hand.
#[derive(Debug, Clone, Default)]
pub struct NewPerson {
    pub telegram_id: i64,
    pub full_name: String,
    pub username: Option<String>,
    pub phone: Option<String>,
    pub role: Option<Role>,
    pub branch: Option<BranchKey>,
    pub language: Option<Lang>,
}

pub fn add_user(app: &App, actor: &Actor, new: &NewPerson) -> Result<User> {
    if new.telegram_id <= 0 {
        return Err(Refusal::NotATelegramId { id: new.telegram_id }.into());
    }
    let role = new.role.unwrap_or(Role::User);
    assignable(role)?;
    let full_name = valid_name(TextField::FullName, &new.full_name, 200)?;
    let phone = new.phone.as_deref().map(|p| Phone::parse(p).map(|p| p.to_string())).transpose()?;
    let now = app.now();
    let mut tx = app.store.write()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    permissions::may_give(&who, role)?;
    if tx.user(new.telegram_id)?.is_some() {
        return Err(Refusal::UserExists { id: new.telegram_id }.into());
    }
    let branch_id = match &new.branch {
        Some(key) => Some(lookup::branch(&mut *tx, key)?.id),
        None => None,
    };
    let user = User {
        telegram_id: new.telegram_id,
        full_name,
        username: new.username.clone(),
        phone,
        role,
        branch_id,
        language: new.language,
        blocked: false,
        on_duty: true,
        bot_blocked_at: None,
        created_at: now,
        last_seen_at: None,
    };
    tx.insert_user(&user)?;
    audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::UserAdd, "user", user.telegram_id).after(json!(user)))?;
    tx.commit()?;
    Ok(user)
}

fn assignable(role: Role) -> Result<()> {
    if role == Role::SuperAdmin {
        return Err(Refusal::SuperAdminNotAssignable.into());
    }
    Ok(())
}

/// Checks that `actor` may change `target`, who exists, is not a configured super admin and is not the actor.
fn staff_change(app: &App, tx: &mut dyn Tx, actor: &Actor, target: i64) -> Result<User> {
    let who = principal(tx, &app.settings, actor)?;
    authorize(&who, Permission::ManageStaff, None)?;
    not_own(&who, target)?;
    let user = tx.user(target)?.ok_or_else(|| Error::not_found(Entity::User, target))?;
    not_configured(&app.settings, target)?;
    Ok(user)
}

/// Nobody changes their own role or blocks themselves.
fn not_own(who: &Principal, target: i64) -> Result<()> {
    match who {
        Principal::User { id, .. } if *id == target => Err(Refusal::OwnAccount.into()),
        _ => Ok(()),
    }
}

/// Super admins from the configuration are changed there, not through the app.
fn not_configured(settings: &crate::config::Settings, target: i64) -> Result<()> {
    if settings.is_super_admin(target) {
        return Err(Refusal::ConfiguredSuperAdmin { id: target }.into());
    }
    Ok(())
}

/// Checks, without changing anything, that `actor` may change `target`'s
/// role or block them now (to ask them to confirm); returns the person. The
/// change itself checks again.
pub fn check_staff_change(app: &App, actor: &Actor, target: i64) -> Result<User> {
    staff_change(app, &mut *app.store.read()?, actor, target)
}

/// The outcome of a change that may have been a no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed<T> {
    pub before: T,
    pub after: T,
}

impl<T: PartialEq> Changed<T> {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

pub fn set_role(app: &App, actor: &Actor, target: i64, role: Role) -> Result<Changed<User>> {
    assignable(role)?;
    let now = app.now();
    let mut tx = app.store.write()?;
    let change = set_role_in(app, &mut *tx, actor, target, role, now)?;
    tx.commit()?;
    Ok(change)
}

fn set_role_in(
    app: &App,
    tx: &mut dyn Tx,
    actor: &Actor,
    target: i64,
    role: Role,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Changed<User>> {
    let before = staff_change(app, tx, actor, target)?;
    let mut after = before.clone();
    after.role = role;
    if after != before {
        tx.update_user(&after)?;
        audit(
            tx,
            now,
            actor,
            AuditEvent::new(AuditAction::UserSetRole, "user", target)
                .before(json!({ "role": before.role }))
                .after(json!({ "role": after.role })),
        )?;
        super::notify::enqueue(tx, target, &super::notify::Notice::CommandMenu, now)?;
    }
    Ok(Changed { before, after })
}

pub fn set_blocked(app: &App, actor: &Actor, target: i64, blocked: bool) -> Result<Changed<User>> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let before = staff_change(app, &mut *tx, actor, target)?;
    let mut after = before.clone();
    after.blocked = blocked;
    if after != before {
        tx.update_user(&after)?;
        let action = if blocked { AuditAction::UserBlock } else { AuditAction::UserUnblock };
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(action, "user", target)
                .before(json!({ "blocked": before.blocked }))
                .after(json!({ "blocked": blocked })),
        )?;
        super::notify::enqueue(&mut *tx, target, &super::notify::Notice::CommandMenu, now)?;
        tx.commit()?;
    }
    Ok(Changed { before, after })
}

/// Who a person is in Telegram, as an update tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl Profile {
    pub fn full_name(&self) -> String {
        let mut name = self.first_name.trim().to_string();
        if let Some(last) = self.last_name.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            name = format!("{name} {last}");
        }
        if name.is_empty() { format!("id{}", self.telegram_id) } else { name.chars().take(200).collect() }
    }
}

/// A person as the bot sees them on each update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub user: User,
    pub role: Role,
    /// First contact: the person was just added.
    pub is_new: bool,
}

impl Registered {
    /// What they may do that is not about one request, as read on this
    /// update: which menus to offer them (see [`permissions::granted`]).
    pub fn granted(&self) -> Vec<Permission> {
        let who = Principal::User { id: self.user.telegram_id, role: self.role, blocked: self.user.blocked };
        permissions::granted(&who)
    }
}

/// How stale `last_seen_at` may get before an update refreshes it.
const SEEN_EVERY_MINUTES: i64 = 10;

/// The language a person reads: theirs if known, else the configured default.
pub fn language_of(app: &App, telegram_id: i64) -> Lang {
    app.store
        .read()
        .ok()
        .and_then(|mut tx| tx.user(telegram_id).ok().flatten())
        .and_then(|u| u.language)
        .unwrap_or(app.settings.default_language)
}

/// A person in the directory, and whether the viewer may change their role
/// or block them now (the same checks the change makes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Managed {
    pub person: Person,
    pub changeable: bool,
}

/// People, for someone who manages the directory (an administrator).
/// The roles `actor` may give someone they add, as read from the store now.
pub fn roles_to_give(app: &App, actor: &Actor) -> Result<Vec<Role>> {
    let who = principal(&mut *app.store.read()?, &app.settings, actor)?;
    Ok(permissions::roles_to_give(&who))
}

pub fn people(app: &App, actor: &Actor, filter: &UserFilter) -> Result<Vec<Managed>> {
    let who = {
        let mut tx = app.store.read()?;
        let who = principal(&mut *tx, &app.settings, actor)?;
        authorize(&who, Permission::ManageDirectory, None)?;
        who
    };
    let staff = authorize(&who, Permission::ManageStaff, None).is_ok();
    Ok(users(app, filter)?
        .into_iter()
        .map(|person| {
            let id = person.user.telegram_id;
            let changeable = staff && not_own(&who, id).is_ok() && not_configured(&app.settings, id).is_ok();
            Managed { person, changeable }
        })
        .collect())
}

/// Registers a person on first contact and keeps their name, username and
/// language current; cheap when nothing changed (one read).
pub fn register(app: &App, profile: &Profile) -> Result<Registered> {
    let now = app.now();
    let language = profile.language_code.as_deref().and_then(Lang::from_telegram_code);
    let existing = app.store.read()?.user(profile.telegram_id)?;
    if let Some(u) = &existing {
        let fresh = u.username == profile.username
            && (language.is_none() || u.language == language)
            && u.last_seen_at.is_some_and(|t| now - t < chrono::Duration::minutes(SEEN_EVERY_MINUTES))
            && u.bot_blocked_at.is_none();
        if fresh {
            let role = effective_role(&app.settings, u.telegram_id, u.role);
            return Ok(Registered { user: u.clone(), role, is_new: false });
        }
    }
    let mut tx = app.store.write()?;
    let (user, is_new) = match tx.user(profile.telegram_id)? {
        Some(mut u) => {
            u.username = profile.username.clone();
            if language.is_some() {
                u.language = language;
            }
            // Writing to us again means they no longer block the bot.
            u.bot_blocked_at = None;
            u.last_seen_at = Some(now);
            tx.update_user(&u)?;
            (u, false)
        }
        None => {
            let u = User {
                telegram_id: profile.telegram_id,
                full_name: profile.full_name(),
                username: profile.username.clone(),
                phone: None,
                role: Role::User,
                branch_id: None,
                language,
                blocked: false,
                on_duty: true,
                bot_blocked_at: None,
                created_at: now,
                last_seen_at: Some(now),
            };
            tx.insert_user(&u)?;
            let actor = Actor::Telegram(profile.telegram_id);
            audit(
                &mut *tx,
                now,
                &actor,
                AuditEvent::new(AuditAction::UserRegister, "user", u.telegram_id).after(json!(u)),
            )?;
            (u, true)
        }
    };
    tx.commit()?;
    let role = effective_role(&app.settings, user.telegram_id, user.role);
    Ok(Registered { user, role, is_new })
}

/// A person sets their own branch (chosen by its id, from a button); returns
/// them and the branch.
pub fn set_own_branch(app: &App, actor: &Actor, branch_id: BranchId) -> Result<(User, Branch)> {
    let id = actor.telegram_id().ok_or_else(|| Error::Invalid("the branch is chosen in Telegram".into()))?;
    let now = app.now();
    let mut tx = app.store.write()?;
    let branch = lookup::branch_by_id(&mut *tx, branch_id)?;
    let mut user = tx.user(id)?.ok_or_else(|| Error::not_found(Entity::User, id))?;
    let before = user.branch_id;
    user.branch_id = Some(branch.id);
    tx.update_user(&user)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::UserSetBranch, "user", id)
            .before(json!({ "branch_id": before }))
            .after(json!({ "branch_id": branch.id })),
    )?;
    tx.commit()?;
    Ok((user, branch))
}

/// Remembers the phone a person gave, for next time, if we had none.
pub fn remember_phone(tx: &mut dyn Tx, telegram_id: i64, phone: &str) -> Result<()> {
    if let Some(mut u) = tx.user(telegram_id)?
        && u.phone.is_none()
    {
        u.phone = Some(phone.to_string());
        tx.update_user(&u)?;
    }
    Ok(())
}

/// Staff: everyone with a staff role, super admins from configuration included.
pub fn staff(app: &App) -> Result<Vec<Person>> {
    let mut people = users(app, &UserFilter::default())?;
    people.retain(|p| p.role.is_staff());
    // Stable: alphabetical within each role, as the store lists people.
    people.sort_by_key(|p| std::cmp::Reverse(p.role));
    Ok(people)
}

/// A super admin makes someone staff by Telegram ID; a person who never wrote
/// to the bot is added with a placeholder name, filled in on their first message.
pub fn make_staff(app: &App, actor: &Actor, target: i64, role: Role) -> Result<Changed<User>> {
    assignable(role)?;
    if !role.is_staff() {
        return Err(Refusal::NotAStaffRole.into());
    }
    if target <= 0 {
        return Err(Refusal::NotATelegramId { id: target }.into());
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageStaff, None)?;
    if tx.user(target)?.is_none() {
        let user = User {
            telegram_id: target,
            full_name: format!("id{target}"),
            username: None,
            phone: None,
            role: Role::User,
            branch_id: None,
            language: None,
            blocked: false,
            on_duty: true,
            bot_blocked_at: None,
            created_at: now,
            last_seen_at: None,
        };
        tx.insert_user(&user)?;
        audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::UserAdd, "user", target).after(json!(user)))?;
    }
    let change = set_role_in(app, &mut *tx, actor, target, role, now)?;
    tx.commit()?;
    Ok(change)
}

/// A staff member as a super admin managing them sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub person: Person,
    /// Whether this super admin may change their role (take it away): not
    /// their own, not a super admin from the configuration.
    pub removable: bool,
}

/// Staff, for a super admin managing them (checked from the store now).
pub fn staff_for(app: &App, actor: &Actor) -> Result<Vec<StaffMember>> {
    let who = principal(&mut *app.store.read()?, &app.settings, actor)?;
    authorize(&who, Permission::ManageStaff, None)?;
    let staff = staff(app)?;
    Ok(staff
        .into_iter()
        .map(|person| {
            let id = person.user.telegram_id;
            let removable = not_own(&who, id).and_then(|()| not_configured(&app.settings, id)).is_ok();
            StaffMember { person, removable }
        })
        .collect())
}

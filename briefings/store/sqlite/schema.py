"""Versioned schema of the SQLite store: ``MIGRATIONS[n]`` takes version n-1 to n.

The version lives in ``PRAGMA user_version``. Add a migration; never edit a shipped one.
"""
from __future__ import annotations

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source_key TEXT UNIQUE,
            path TEXT NOT NULL,
            title TEXT NOT NULL,
            outlet TEXT, author TEXT, url TEXT,
            published TEXT,
            opinion INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT NOT NULL UNIQUE,
            ingested_at TEXT NOT NULL,
            extractor_version INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX documents_ingested ON documents(ingested_at)",
        """CREATE TABLE claims (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            attributed_to TEXT, attribution_how TEXT,
            hedges TEXT, quantities TEXT, dates TEXT, entities TEXT,
            heading TEXT, paragraph INTEGER,
            group_id TEXT,
            tags TEXT
        )""",
        "CREATE INDEX claims_doc ON claims(doc_id, seq)",
        "CREATE INDEX claims_group ON claims(group_id)",
        """CREATE TABLE quantities (
            claim_rowid INTEGER NOT NULL REFERENCES claims(rowid) ON DELETE CASCADE,
            value REAL NOT NULL, measure TEXT NOT NULL, qualifier TEXT, phrase TEXT NOT NULL
        )""",
        "CREATE INDEX quantities_claim ON quantities(claim_rowid)",
        "CREATE INDEX quantities_measure ON quantities(measure, value)",
        """CREATE VIRTUAL TABLE claims_fts USING fts5(
            text, attributed_to, heading, tags,
            content='claims', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts(rowid, text, attributed_to, heading, tags)
            VALUES (new.rowid, new.text, new.attributed_to, new.heading, new.tags);
        END""",
        """CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text, attributed_to, heading, tags)
            VALUES ('delete', old.rowid, old.text, old.attributed_to, old.heading, old.tags);
        END""",
    ],
    2: [
        # names claims mention, counted, for topic suggestions (Discord autocomplete)
        """CREATE TABLE topics (
            name TEXT PRIMARY KEY,
            lname TEXT NOT NULL,
            claims INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX topics_lname ON topics(lname)",
        """INSERT INTO topics(name, lname, claims)
           SELECT value, lower(value), count(*) FROM claims, json_each(claims.entities) GROUP BY value""",
    ],
    3: [
        # daily briefings or standing questions for a chat channel, at a local time
        """CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('briefing', 'question')),
            at_time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            topic TEXT,
            quiet INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 1,
            disabled_reason TEXT,
            created_by TEXT,
            created_at TEXT NOT NULL,
            last_delivered_at TEXT,
            last_answer TEXT
        )""",
        "CREATE INDEX subscriptions_channel ON subscriptions(platform, channel)",
        # one row per subscription and local slot: claimed before posting, done after
        """CREATE TABLE deliveries (
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            slot TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'done', 'skipped', 'missed', 'failed')),
            owner TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            finished_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 1,
            detail TEXT,
            PRIMARY KEY (subscription_id, slot)
        )""",
    ],
}
MIGRATIONS[4] = [
    # claims are re-extracted from the stored document texts: the core now indexes its own
    # analysed terms (claim, then context) and keeps each claim's sentence vector
    "DROP TRIGGER IF EXISTS claims_ai",
    "DROP TRIGGER IF EXISTS claims_ad",
    "DROP TABLE IF EXISTS claims_fts",
    "DROP TABLE IF EXISTS quantities",
    "DROP TABLE IF EXISTS claims",
    "DELETE FROM topics",
    "ALTER TABLE documents ADD COLUMN embed_model TEXT",
    "ALTER TABLE documents ADD COLUMN vector BLOB",
    "UPDATE documents SET extractor_version = 0",
    """CREATE TABLE claims (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        attributed_to TEXT, attribution_how TEXT,
        hedges TEXT, quantities TEXT, dates TEXT, entities TEXT,
        heading TEXT, paragraph INTEGER,
        terms TEXT NOT NULL,
        context_terms TEXT NOT NULL,
        vector BLOB
    )""",
    "CREATE INDEX claims_doc ON claims(doc_id, seq)",
    """CREATE VIRTUAL TABLE claims_fts USING fts5(
        terms, context_terms, content='claims', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0'
    )""",
    "CREATE VIRTUAL TABLE claims_vocab USING fts5vocab(claims_fts, 'row')",
    # running totals for BM25 (claims, and term counts of each field) and a change counter
    """CREATE TABLE corpus (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        claims INTEGER NOT NULL, terms INTEGER NOT NULL, context_terms INTEGER NOT NULL,
        generation INTEGER NOT NULL
    )""",
    "INSERT INTO corpus VALUES (1, 0, 0, 0, 0)",
    """CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
        INSERT INTO claims_fts(rowid, terms, context_terms) VALUES (new.rowid, new.terms, new.context_terms);
        UPDATE corpus SET claims = claims + 1,
            terms = terms + length(new.terms) - length(replace(new.terms, ' ', '')) + (new.terms != ''),
            context_terms = context_terms + length(new.context_terms) - length(replace(new.context_terms, ' ', ''))
                + (new.context_terms != '');
    END""",
    """CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
        INSERT INTO claims_fts(claims_fts, rowid, terms, context_terms)
        VALUES ('delete', old.rowid, old.terms, old.context_terms);
        UPDATE corpus SET claims = claims - 1,
            terms = terms - (length(old.terms) - length(replace(old.terms, ' ', '')) + (old.terms != '')),
            context_terms = context_terms - (length(old.context_terms) - length(replace(old.context_terms, ' ', ''))
                + (old.context_terms != ''));
    END""",
]
MIGRATIONS[5] = [
    # the same channel, kind, time, zone and topic is one subscription: earlier duplicates stay,
    # later ones are disabled (kept, with the reason), and a unique index keeps it so
    "ALTER TABLE subscriptions ADD COLUMN topic_key TEXT NOT NULL DEFAULT ''",
    "UPDATE subscriptions SET topic_key = lower(trim(coalesce(topic, '')))",
    """UPDATE subscriptions SET enabled = 0, disabled_reason = 'duplicate of #' || (
           SELECT min(o.id) FROM subscriptions o WHERE o.enabled = 1 AND o.id < subscriptions.id
           AND o.platform = subscriptions.platform AND o.channel = subscriptions.channel
           AND o.kind = subscriptions.kind AND o.at_time = subscriptions.at_time
           AND o.timezone = subscriptions.timezone AND o.topic_key = subscriptions.topic_key)
       WHERE enabled = 1 AND EXISTS (
           SELECT 1 FROM subscriptions o WHERE o.enabled = 1 AND o.id < subscriptions.id
           AND o.platform = subscriptions.platform AND o.channel = subscriptions.channel
           AND o.kind = subscriptions.kind AND o.at_time = subscriptions.at_time
           AND o.timezone = subscriptions.timezone AND o.topic_key = subscriptions.topic_key)""",
    """CREATE UNIQUE INDEX subscriptions_once ON subscriptions(platform, channel, kind, at_time, timezone, topic_key)
       WHERE enabled = 1""",
    "CREATE INDEX deliveries_due ON deliveries(subscription_id, due_at)",
    # chat events (and slash commands) already seen, so a retry or a replay is answered once
    "CREATE TABLE seen_events (key TEXT PRIMARY KEY, seen_at TEXT NOT NULL)",
    "CREATE INDEX seen_events_at ON seen_events(seen_at)",
    # a name held by one process until it expires (the Discord gateway session, seeding)
    "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL)",
]
MIGRATIONS[6] = [
    # each term's document frequency, kept by the store: fts5vocab counts a term's rows by
    # walking its postings, which costs milliseconds per common term at 10^6 claims
    "CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO terms (term, df) SELECT term, doc FROM claims_vocab",
]
MIGRATIONS[7] = [
    # feeds followed for a channel (or for no channel, from the command line), polled on their
    # interval with conditional GET; a failing feed backs off and alerts its channel once
    """CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        platform TEXT NOT NULL DEFAULT '',
        workspace TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL DEFAULT '',
        every_seconds INTEGER NOT NULL,
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        polls INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        alerted INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT NOT NULL,
        last_polled_at TEXT,
        last_ok_at TEXT,
        created_by TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (url, platform, channel)
    )""",
    "CREATE INDEX feeds_due ON feeds(next_poll_at)",
    # each entry of a feed once read: its version (an edit changes it) and what became of it
    """CREATE TABLE feed_entries (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        version TEXT NOT NULL,
        url TEXT,
        doc_id TEXT,
        status TEXT NOT NULL,
        detail TEXT,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    )""",
    "CREATE INDEX documents_url ON documents(url)",
]
MIGRATIONS[8] = [
    # the documents read for a channel (its feeds' entries, pages added there): the story its
    # questions are about; those read before this version come from the feeds' entries
    """CREATE TABLE channel_documents (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        linked_at TEXT NOT NULL,
        PRIMARY KEY (platform, channel, doc_id)
    )""",
    "CREATE INDEX channel_documents_doc ON channel_documents(doc_id)",
    """INSERT OR IGNORE INTO channel_documents (platform, channel, doc_id, linked_at)
       SELECT f.platform, f.channel, e.doc_id, e.seen_at FROM feed_entries e JOIN feeds f ON f.id = e.feed_id
       WHERE f.channel != '' AND e.doc_id IN (SELECT id FROM documents)""",
]
SCHEMA_VERSION = max(MIGRATIONS)

/* AURA — what the session database readers (aura-db.c, aura-analytics.c)
 * share: the connection and its lock, and small SQLite helpers. */
#ifndef __AURA_DB_PRIVATE_H__
#define __AURA_DB_PRIVATE_H__

#include <sqlite3.h>

#include "aura-db.h"

G_BEGIN_DECLS struct _AuraDb
{
  gchar *path;
  sqlite3 *db;
  GMutex lock;                  /* held around every use of db */
};

/* Sets @error from SQLite's result @rc (BUSY for a lock, FAILED else). */
void aura_db_set_error (AuraDb * db, GError ** error, gint rc,
    const gchar * what);
/* Prepares @sql (called with the lock held); NULL with @error on failure. */
sqlite3_stmt *aura_db_prepare (AuraDb * db, const gchar * sql, GError ** error);
/* Binds @text, or NULL for a NULL @text, to parameter @i. */
void aura_db_bind_text (sqlite3_stmt * stmt, gint i, const gchar * text);

G_END_DECLS
#endif /* __AURA_DB_PRIVATE_H__ */

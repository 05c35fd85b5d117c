/* hy-events-export.c — the events log as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the events matching the Events view's filters, newest first, to a file through GIO
 * (g_file_replace: the old file is replaced only once the new one is complete), in a worker
 * thread that reads the store page by page, so a million events neither freeze the window nor
 * sit in memory. Columns: time (ISO 8601, UTC), method, endpoint, status, duration_ms, record,
 * error. Fields are quoted as RFC 4180 says; a field that a spreadsheet would take for a formula
 * gets a leading apostrophe.
 */

#define G_LOG_DOMAIN "hy-events-export"

#include "config.h"

#include <glib/gi18n.h>

#include "hy-events-export.h"
#include "models/hy-halo-item.h"

#define EXPORT_PAGE 1000

typedef struct
{
  HyStore *store;
  GFile *file;
  gboolean failed_only;
  char *record;
  char **words;
  guint64 rows;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->file);
  g_free (data->record);
  g_strfreev (data->words);
  g_free (data);
}

/* The same match as the Events view's text filter. */
gboolean
hy_events_matches_text (const HyEvent *event, char **folded_words)
{
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;

  if (folded_words == NULL)
    return TRUE;

  text = g_strdup_printf ("%s %s %u %s %s", event->method ? event->method : "",
                          event->path ? event->path : "", event->status,
                          event->record ? event->record : "", event->error ? event->error : "");
  folded = hy_halo_item_fold (text);

  for (guint i = 0; folded_words[i] != NULL; i++)
    if (strstr (folded, folded_words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static void
append_field (GString *line, const char *value, gboolean last)
{
  gboolean formula;

  if (value == NULL)
    value = "";
  formula = value[0] != '\0' && strchr ("=+-@", value[0]) != NULL;

  if (formula || strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (line, '"');
      if (formula)
        g_string_append_c (line, '\'');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else
    g_string_append (line, value);

  g_string_append (line, last ? "\r\n" : ",");
}

static void
append_event (GString *out, const HyEvent *event)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (event->time / G_USEC_PER_SEC);
  g_autofree char *when = time != NULL ? g_date_time_format_iso8601 (time) : NULL;
  char status[16], duration[32];

  g_snprintf (status, sizeof status, "%u", event->status);
  g_snprintf (duration, sizeof duration, "%" G_GINT64_FORMAT, event->duration_ms);

  append_field (out, when, FALSE);
  append_field (out, event->method, FALSE);
  append_field (out, event->path, FALSE);
  append_field (out, status, FALSE);
  append_field (out, duration, FALSE);
  append_field (out, event->record, FALSE);
  append_field (out, event->error, TRUE);
}

static void
export_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autoptr (GString) out =
      g_string_new ("time,method,endpoint,status,duration_ms,record,error\r\n");
  g_autoptr (GError) error = NULL;
  HyEventsQuery query = HY_EVENTS_QUERY_INIT;

  stream = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                           &error);
  if (stream == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               /* Translators: %s is the error from the file system */
                               _ ("Cannot write the file: %s"), error->message);
      return;
    }

  query.limit = EXPORT_PAGE;
  query.failed_only = data->failed_only;
  query.record = data->record;

  for (;;)
    {
      g_autoptr (GPtrArray) page = hy_store_events_list (data->store, &query, &error);

      if (page == NULL)
        {
          g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      for (guint i = 0; i < page->len; i++)
        {
          const HyEvent *event = g_ptr_array_index (page, i);

          if (!hy_events_matches_text (event, data->words))
            continue;
          append_event (out, event);
          data->rows++;
        }

      if (out->len > 0 && !g_output_stream_write_all (G_OUTPUT_STREAM (stream), out->str, out->len,
                                                      NULL, cancellable, &error))
        {
          /* Closing after a failure (or a cancel) leaves the previous file in place. */
          g_autoptr (GCancellable) abort = g_cancellable_new ();

          g_cancellable_cancel (abort);
          g_output_stream_close (G_OUTPUT_STREAM (stream), abort, NULL);
          g_task_return_new_error (task, error->domain, error->code,
                                   _ ("Cannot write the file: %s"), error->message);
          return;
        }
      g_string_truncate (out, 0);

      if (page->len < EXPORT_PAGE)
        break;
      query.before_id = ((HyEvent *) g_ptr_array_index (page, page->len - 1))->id;
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_new_error (task, error->domain, error->code, _ ("Cannot write the file: %s"),
                               error->message);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * hy_events_export_csv_async:
 * @filter: (nullable): which events; NULL: all
 *
 * Writes the matching events to @file as CSV, newest first.
 */
void
hy_events_export_csv_async (HyStore *store,
                            GFile *file,
                            const HyEventsExportFilter *filter,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (HY_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ExportData, 1);
  data->store = g_object_ref (store);
  data->file = g_object_ref (file);
  if (filter != NULL)
    {
      data->failed_only = filter->failed_only;
      data->record = g_strdup (filter->record);
      data->words = hy_halo_item_split_words (filter->text);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hy_events_export_csv_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * hy_events_export_csv_finish:
 * @out_rows: (out) (optional): how many events were written
 */
gboolean
hy_events_export_csv_finish (GAsyncResult *result, guint64 *out_rows, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (out_rows != NULL)
    *out_rows = ((ExportData *) g_task_get_task_data (G_TASK (result)))->rows;

  return TRUE;
}

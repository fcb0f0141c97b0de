package org.roster.hr.internal;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrValidationException;
import org.roster.hr.SnapshotFormat;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Reads the rows of a snapshot one at a time, whatever its format, so a file of any length is read
 * in bounded memory. A row is read as the values of the columns (or JSON keys) asked for when the
 * file was opened, in their order: the node for a column the row has, {@code null} for one it does
 * not. An empty CSV cell is a JSON null.
 *
 * <p>A CSV row is read from the parser's tokens straight into its values, without a map of every
 * column: a delta of a million rows, nearly all unchanged, reads each row only to hash it.
 */
public final class SnapshotRows implements AutoCloseable {

    private static final CsvMapper CSV = CsvMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode NULL = JsonNodeFactory.instance.nullNode();

    private final List<String> columns;
    /** CSV: the tokens of the rows, each an object of the header's columns; null for JSON. */
    private final @Nullable JsonParser csv;
    /** CSV: where each column asked for goes in a row's values (a column may feed more than one). */
    private final Map<String, int[]> slots = new HashMap<>();
    /** JSON: the objects of the array or the lines; null for CSV. */
    private final @Nullable MappingIterator<JsonNode> json;
    private @Nullable JsonToken next;
    private long row;

    private SnapshotRows(List<String> columns, @Nullable JsonParser csv, @Nullable MappingIterator<JsonNode> json) {
        this.columns = List.copyOf(columns);
        this.csv = csv;
        this.json = json;
        for (int i = 0; i < this.columns.size(); i++) {
            int slot = i;
            slots.merge(this.columns.get(i), new int[] {slot}, (a, b) -> {
                int[] both = java.util.Arrays.copyOf(a, a.length + 1);
                both[a.length] = slot;
                return both;
            });
        }
    }

    /** The rows of {@code in}, each read as the values of {@code columns}, in that order. */
    public static SnapshotRows open(InputStream in, SnapshotFormat format, List<String> columns) {
        try {
            if (format == SnapshotFormat.CSV) {
                CsvSchema schema = CsvSchema.emptySchema().withHeader();
                return new SnapshotRows(columns, CSV.reader().with(schema).createParser(in), null);
            }
            // A root-level JSON array is iterated element by element, as is a sequence of JSON Lines.
            return new SnapshotRows(columns, null, JSON.readerFor(JsonNode.class).readValues(in));
        } catch (JacksonException e) {
            throw new HrValidationException("body", "cannot be read as " + format + ": " + e.getOriginalMessage());
        }
    }

    /** The number of the row last returned, from 1. */
    public long row() {
        return row;
    }

    public boolean hasNext() {
        try {
            if (json != null) {
                return json.hasNextValue();
            }
            if (next == null) {
                next = csv.nextToken();
            }
            return next != null;
        } catch (JacksonException e) {
            throw unreadable(e);
        }
    }

    /** The next row's values, in the order of the columns the file was opened with. */
    public @Nullable JsonNode[] next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no row after row " + row);
        }
        JsonNode[] values = new JsonNode[columns.size()];
        try {
            if (json != null) {
                JsonNode node = json.nextValue();
                row++;
                if (!node.isObject()) {
                    throw new HrValidationException("row " + row, "must be a JSON object");
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] = node.get(columns.get(i));
                }
                return values;
            }
            readCsv(values);
            row++;
            return values;
        } catch (JacksonException e) {
            throw unreadable(e);
        }
    }

    /** One CSV row: an object whose properties are the header's columns, a later column of the same name winning. */
    private void readCsv(@Nullable JsonNode[] values) {
        JsonParser p = csv;
        JsonToken t = next;
        next = null;
        if (t != JsonToken.START_OBJECT) {
            throw new HrValidationException("row " + (row + 1), "cannot be read: expected a row, found " + t);
        }
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            int[] to = slots.get(p.currentName());
            JsonToken value = p.nextToken();
            if (to == null) {
                continue;
            }
            JsonNode node;
            if (value == JsonToken.VALUE_STRING) {
                String text = p.getString();
                node = text.isEmpty() ? NULL : JsonNodeFactory.instance.stringNode(text);
            } else if (value == JsonToken.VALUE_NULL) {
                node = NULL;
            } else {
                throw new HrValidationException("row " + (row + 1), "cannot be read: a cell is " + value);
            }
            for (int slot : to) {
                values[slot] = node;
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new HrValidationException("row " + (row + 1), "cannot be read: expected the end of a row, found " + t);
        }
    }

    private HrValidationException unreadable(JacksonException e) {
        return new HrValidationException("row " + (row + 1), "cannot be read: " + e.getOriginalMessage());
    }

    @Override
    public void close() {
        if (json != null) {
            json.close();
        } else {
            csv.close();
        }
    }
}

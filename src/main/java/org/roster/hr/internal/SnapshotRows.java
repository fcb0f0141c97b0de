package org.roster.hr.internal;

import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.roster.hr.HrValidationException;
import org.roster.hr.SnapshotFormat;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Reads the rows of a snapshot one at a time, whatever its format, so a file of any length is read
 * in bounded memory. A row is its columns (or JSON keys) with their values; an empty CSV cell is
 * {@code null}.
 */
public final class SnapshotRows implements Iterator<Map<String, JsonNode>>, AutoCloseable {

    private static final CsvMapper CSV = CsvMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MappingIterator<?> rows;
    private final boolean csv;
    private long row;

    private SnapshotRows(MappingIterator<?> rows, boolean csv) {
        this.rows = rows;
        this.csv = csv;
    }

    public static SnapshotRows open(InputStream in, SnapshotFormat format) {
        try {
            if (format == SnapshotFormat.CSV) {
                CsvSchema schema = CsvSchema.emptySchema().withHeader();
                return new SnapshotRows(CSV.readerForMapOf(String.class).with(schema).readValues(in), true);
            }
            // A root-level JSON array is iterated element by element, as is a sequence of JSON Lines.
            return new SnapshotRows(JSON.readerFor(JsonNode.class).readValues(in), false);
        } catch (JacksonException e) {
            throw new HrValidationException("body", "cannot be read as " + format + ": " + e.getOriginalMessage());
        }
    }

    /** The number of the row last returned, from 1. */
    public long row() {
        return row;
    }

    @Override
    public boolean hasNext() {
        try {
            return rows.hasNextValue();
        } catch (JacksonException e) {
            throw new HrValidationException("row " + (row + 1), "cannot be read: " + e.getOriginalMessage());
        }
    }

    @Override
    public Map<String, JsonNode> next() {
        Object value;
        try {
            value = rows.nextValue();
        } catch (JacksonException e) {
            throw new HrValidationException("row " + (row + 1), "cannot be read: " + e.getOriginalMessage());
        }
        row++;
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        if (csv) {
            ((Map<?, ?>) value).forEach((k, v) -> columns.put(String.valueOf(k),
                v == null || v.toString().isEmpty() ? JsonNodeFactory.instance.nullNode()
                    : JsonNodeFactory.instance.stringNode(v.toString())));
        } else {
            JsonNode node = (JsonNode) value;
            if (!node.isObject()) {
                throw new HrValidationException("row " + row, "must be a JSON object");
            }
            node.properties().forEach(e -> columns.put(e.getKey(), e.getValue()));
        }
        return columns;
    }

    @Override
    public void close() {
        rows.close();
    }
}

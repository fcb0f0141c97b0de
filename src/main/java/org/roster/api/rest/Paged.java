package org.roster.api.rest;

import java.util.List;

/** A page of a list: the items, where the page starts and how many there are in all. */
public record Paged<T>(List<T> items, int page, int size, long total) {
}

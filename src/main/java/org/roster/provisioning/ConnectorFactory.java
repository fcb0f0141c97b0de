package org.roster.provisioning;

/** Builds connectors of one type ({@code ldap}, {@code memory}) from target settings. A Spring bean per type. */
public interface ConnectorFactory {

    String type();

    Connector create(TargetSettings settings);
}

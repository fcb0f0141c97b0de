package org.roster.support;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.Manager;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import java.util.List;
import org.glassfish.jersey.apache5.connector.Apache5ConnectorProvider;
import org.glassfish.jersey.client.ClientConfig;
import org.jspecify.annotations.Nullable;
import org.roster.hr.ScimSchemas;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The UnboundID SCIM 2 client, set up as an HR system would use it against Roster. */
public final class ScimClients {

    private ScimClients() {
    }

    public static ScimService hr(String baseUrl, String token) {
        ClientConfig config = new ClientConfig();
        config.connectorProvider(new Apache5ConnectorProvider()); // the default connector refuses PATCH
        Client client = ClientBuilder.newClient(config)
            .register((jakarta.ws.rs.client.ClientRequestFilter) request ->
                request.getHeaders().putSingle("Authorization", "Bearer " + token));
        return new ScimService(client.target(baseUrl + "/scim/v2"));
    }

    /** A SCIM User with the enterprise and Roster worker extensions. */
    public static UserResource user(String employeeNumber, String userName, String department, String workerType,
                                    @Nullable String managerId) throws Exception {
        UserResource user = new UserResource();
        user.setUserName(userName);
        user.setName(new Name().setGivenName("Given" + employeeNumber).setFamilyName("Family" + employeeNumber));
        user.setDisplayName("Given" + employeeNumber + " Family" + employeeNumber);
        user.setEmails(List.of(new Email().setValue(userName + "@example.com").setType("work").setPrimary(true)));
        user.setActive(true);
        EnterpriseUserExtension enterprise = new EnterpriseUserExtension();
        enterprise.setEmployeeNumber(employeeNumber);
        enterprise.setDepartment(department);
        enterprise.setCostCenter("CC-1");
        if (managerId != null) {
            enterprise.setManager(new Manager().setValue(managerId));
        }
        user.setExtension(enterprise);
        ObjectNode worker = JsonNodeFactory.instance.objectNode();
        worker.put("workerType", workerType);
        worker.put("employmentStatus", "active");
        worker.put("startDate", "2024-01-08");
        user.replaceExtensionValue(ScimSchemas.WORKER, worker);
        java.util.Set<String> schemas = new java.util.LinkedHashSet<>(user.getSchemaUrns());
        schemas.add(ScimSchemas.WORKER);
        user.setSchemaUrns(schemas);
        return user;
    }
}

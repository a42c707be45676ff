"""Terraform JSON in nsbridge's shapes for the plan fixtures (make-plan-fixtures.sh). Argument: 1 or 2."""
import json
import sys

version = int(sys.argv[1])
res = {"aws_route53_zone": {}, "aws_route53_record": {}, "terraform_data": {}}
REPAIR = '${var.in_sync == "false" ? "none${substr(timestamp(), 0, 0)}" : "none"}'


def zone(domain, zid):
    res["aws_route53_zone"][zid] = {"name": domain, "comment": "Managed by nsbridge", "force_destroy": True,
                                    "tags": {"managed-by": "nsbridge"}, "lifecycle": {"create_before_destroy": True}}


def record(rid, zid, name, type_, ttl, values):
    res["aws_route53_record"][rid] = {"zone_id": f"${{aws_route53_zone.{zid}.zone_id}}", "name": name, "type": type_, "ttl": ttl, "records": values}


def delegation(prefix, domain, registrar, zid, registrar_name, drift_read=False):
    ns = f"${{sort(aws_route53_zone.{zid}.name_servers)}}"
    res["terraform_data"][f"{prefix}_delegation_previous_1A2B3C4D"] = {
        "triggers_replace": {"domain": domain, "recorded": "true"},
        "input": {"name_servers": "ns1.previous-dns.com,ns2.previous-dns.com"}, "lifecycle": {"ignore_changes": ["input"]}}
    res["terraform_data"][f"{prefix}_delegation_bridge_5E6F7A8B"] = {
        "triggers_replace": {"domain": domain, "registrar": registrar, "name_servers": ns,
                             "repair": REPAIR if drift_read else "none"},
        "input": {"change": f"point {domain} at {registrar_name} to the name servers of Route 53 zone {domain} (aws_route53_zone.{zid})"},
        "lifecycle": {"create_before_destroy": True},
        "depends_on": [f"terraform_data.{prefix}_delegation_previous_1A2B3C4D"]}
    res["terraform_data"][f"{prefix}_delegation_release_9C0D1E2F"] = {
        "triggers_replace": {"domain": domain},
        "input": {"domain": domain, "registrar": registrar, "name_servers": ns,
                  "previous": f"${{terraform_data.{prefix}_delegation_previous_1A2B3C4D.output.name_servers}}", "policy": "restore", "env": {}}}


zone("example.com", "examplecom_zone_2DA3032E")
delegation("examplecom", "example.com", "godaddy", "examplecom_zone_2DA3032E", "GoDaddy")
zone("drift.com", "driftcom_zone_3C4D5E6F")
delegation("driftcom", "drift.com", "godaddy", "driftcom_zone_3C4D5E6F", "GoDaddy", drift_read=True)
zone("moved.com", "movedcom_zone_BBBB2222")
delegation("movedcom", "moved.com", "porkbun", "movedcom_zone_BBBB2222", "Porkbun")
if version == 1:
    record("examplecom_zone_-TXT_0D7DDA0B", "examplecom_zone_2DA3032E", "example.com", "TXT", 300, ["v=spf1 -all"])
    record("examplecom_zone_-MX_2716EA0E", "examplecom_zone_2DA3032E", "example.com", "MX", 300, ["10 mx1.mail.example.net", "20 mx2.mail.example.net"])
    zone("old.com", "oldcom_zone_88888888")
    record("oldcom_zone_www-CNAME_99999999", "oldcom_zone_88888888", "www.old.com", "CNAME", 300, ["old.com"])
    delegation("oldcom", "old.com", "godaddy", "oldcom_zone_88888888", "GoDaddy")
    zone("gone.com", "gonecom_zone_AAAA1111")
else:
    record("examplecom_zone_www-A_11111111", "examplecom_zone_2DA3032E", "www.example.com", "A", 300, ["192.0.2.10"])
    record("examplecom_zone_-TXT_0D7DDA0B", "examplecom_zone_2DA3032E", "example.com", "TXT", 600, ["v=spf1 include:_spf.mail.example.net -all"])
    zone("new.com", "newcom_zone_AB12CD34")
    record("newcom_zone_-A_22222222", "newcom_zone_AB12CD34", "new.com", "A", 300, ["192.0.2.21", "192.0.2.20"])
    delegation("newcom", "new.com", "namecheap", "newcom_zone_AB12CD34", "Namecheap")
    # old.com retired: only its release guard is left, with count = 0 (RetiredDelegation).
    res["terraform_data"]["oldcom_delegation_release_9C0D1E2F"] = {"count": 0}
    # DNSSEC for example.com: a KMS key (not DNS by itself) and the key-signing key.
    res["aws_kms_key"] = {"examplecom_zone_dnssec-key_DDDD3333": {
        "customer_master_key_spec": "ECC_NIST_P256", "key_usage": "SIGN_VERIFY", "deletion_window_in_days": 7}}
    res["aws_route53_key_signing_key"] = {"examplecom_zone_key-signing-key_DDDD4444": {
        "hosted_zone_id": "${aws_route53_zone.examplecom_zone_2DA3032E.id}",
        "key_management_service_arn": "${aws_kms_key.examplecom_zone_dnssec-key_DDDD3333.arn}", "name": "ksk", "status": "ACTIVE"}}

doc = {
    "terraform": {"required_providers": {"aws": {"source": "aws", "version": "6.25.0"}}},
    "provider": {"aws": [{"region": "us-east-1", "skip_credentials_validation": True, "skip_requesting_account_id": True}]},
    "variable": {"in_sync": {"type": "string"}},
    "resource": {k: v for k, v in res.items() if v},
}
json.dump(doc, sys.stdout, indent=1)

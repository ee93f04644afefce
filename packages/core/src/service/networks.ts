/**
 * The typed service surface for networks: `network create|ls|inspect|rm|prune|connect|disconnect`.
 * Values arrive as typed; the engine checks them (subnets, names) with core's parsers.
 */

export interface NetworkCreateOptions {
  name: string;
  /** Only "bridge" (the default). */
  driver?: string;
  /** IPv4 CIDR; a free /24 of berth's pool when absent. */
  subnet?: string;
  gateway?: string;
  /** `--ip-range` texts: the part of the subnet leases come from (one at most). */
  ipRange?: string[];
  /** `--aux-address` texts, `name=IP`: addresses of the subnet never leased. */
  auxAddresses?: string[];
  internal?: boolean;
  labels?: Record<string, string>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  /** bridge, host or null (none). */
  driver: string;
  scope: "local";
  created: Date;
  internal: boolean;
  labels: Record<string, string>;
}

export interface NetworkService {
  create(options: NetworkCreateOptions): Promise<{ id: string }>;
  /** bridge, host and none first, like docker; filters: name, id, driver, label. */
  list(options?: { filters?: Record<string, string[]> }): Promise<NetworkSummary[]>;
  inspect(idOrName: string): Promise<Record<string, unknown>>;
  /** Refused for the predefined networks and for a network a running container uses. */
  remove(idOrName: string): Promise<void>;
  /** Removes every user network no container uses; their names. */
  prune(): Promise<string[]>;
  /**
   * A container joins a network (recorded; a running one gets eth1… now), reachable by name and
   * aliases, at a fixed address with `ip`; disconnect undoes it.
   */
  connect(network: string, container: string, options?: { aliases?: string[]; ip?: string }): Promise<void>;
  disconnect(network: string, container: string): Promise<void>;
}

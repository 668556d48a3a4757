/**
 * What the dashboard knows about the signed-in admin, held in this module's memory only: never in
 * localStorage or sessionStorage, so the credential leaves with the tab (or a reload), and no other page
 * of this origin can read it from storage. API keys created in this session are kept the same way, so the
 * try-it panel can use a key whose plaintext the API returns only once.
 */
export interface Tenant {
  id: string;
  name: string;
  plan: string;
}

let credential: string | null = null;
let tenant: Tenant | null = null;
const createdKeys = new Map<string, string>();

export const session = {
  signIn(secret: string, who: Tenant): void {
    credential = secret;
    tenant = who;
  },
  signOut(): void {
    credential = null;
    tenant = null;
    createdKeys.clear();
  },
  credential: (): string | null => credential,
  tenant: (): Tenant | null => tenant,
  rememberKey(projectId: string, plaintext: string): void {
    createdKeys.set(projectId, plaintext);
  },
  forgetKey(projectId: string): void {
    createdKeys.delete(projectId);
  },
  keyFor: (projectId: string): string | undefined => createdKeys.get(projectId),
};

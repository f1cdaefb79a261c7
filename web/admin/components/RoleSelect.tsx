/** The role picker the agent forms share: every role by its name in the user's language. */
import { ROLES, roleName } from "../labels";

export function RoleSelect({ value, onChange }: { value: string; onChange: (role: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {ROLES.map((r) => (
        <option value={r} key={r}>
          {roleName(r)}
        </option>
      ))}
    </select>
  );
}

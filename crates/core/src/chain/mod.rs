//! The chain: the networks Result Vault knows (docs/design.md 3.1), task ids, and reads of the PoCo
//! hub's views through an RPC (docs/design.md 3.2). The chain is the truth; indexes are hints.

pub mod abi;
pub mod address;
pub mod location;
pub mod networks;
pub mod rpc;
pub mod task;

pub use address::{checksummed, parse_address};
pub use location::IpfsLocation;
pub use networks::Network;
pub use rpc::Rpc;
pub use task::{deal_final_time, task_id, ChainTask, ResultLocation, TaskStatus, FINAL_DEADLINE_RATIO};

//! Organisation units in one hierarchy (region > authority > district > ward,
//! or service > group > station), and groups that cut across it.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::text::{GroupCode, OrgUnitCode};

/// One organisation unit as it is written in a file or the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub code: OrgUnitCode,
    pub name: String,
    /// The level's name in this deployment: `region`, `district`, `station`.
    pub level: String,
    pub parent: Option<OrgUnitCode>,
}

/// A named set of units that cuts across the tree: a comparator family, a
/// region's authorities.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub code: GroupCode,
    pub name: String,
    pub members: Vec<OrgUnitCode>,
}

/// Position of a unit inside a [`Hierarchy`]. Only a hierarchy hands these
/// out, so a position always names a unit of the tree it came from, and it
/// cannot be mistaken for an indicator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitIdx(u32);

impl UnitIdx {
    pub(crate) fn new(i: usize) -> UnitIdx {
        UnitIdx(u32::try_from(i).expect("fewer than 4 billion units"))
    }

    /// The position as an index into per-unit arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why a set of units does not make a hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HierarchyError {
    #[error(
        "unit {code} names parent {parent}, which is not a known unit: add {parent} first or correct parent_code"
    )]
    UnknownParent {
        code: OrgUnitCode,
        parent: OrgUnitCode,
    },
    #[error(
        "unit {code} is its own ancestor ({path}): a unit's parents must lead up to a top unit"
    )]
    Cycle { code: OrgUnitCode, path: String },
    #[error("unit {code} appears twice")]
    Duplicate { code: OrgUnitCode },
}

/// The organisation tree, indexed for rollups: every unit has a position,
/// parents come before children in `top_down`.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    units: Vec<OrgUnit>,
    // Looked up for every imported row: a fast hash. Lookups cannot be slowed
    // by the code asked for, only the map's own (stored) keys could collide.
    by_code: FxHashMap<OrgUnitCode, UnitIdx>,
    parent: Vec<Option<UnitIdx>>,
    children: Vec<Vec<UnitIdx>>,
    depth: Vec<u16>,
    top_down: Vec<UnitIdx>,
    levels: Vec<String>,
}

impl Hierarchy {
    /// Builds the tree, rejecting duplicates, unknown parents and cycles. Every
    /// problem is reported, not just the first.
    pub fn build(units: Vec<OrgUnit>) -> Result<Hierarchy, Vec<HierarchyError>> {
        let mut errors = Vec::new();
        let mut by_code = FxHashMap::with_capacity_and_hasher(units.len(), Default::default());
        for (i, unit) in units.iter().enumerate() {
            if by_code.insert(unit.code.clone(), UnitIdx::new(i)).is_some() {
                errors.push(HierarchyError::Duplicate {
                    code: unit.code.clone(),
                });
            }
        }
        let mut parent = vec![None; units.len()];
        for (i, unit) in units.iter().enumerate() {
            if let Some(code) = &unit.parent {
                match by_code.get(code) {
                    Some(&p) => parent[i] = Some(p),
                    None => errors.push(HierarchyError::UnknownParent {
                        code: unit.code.clone(),
                        parent: code.clone(),
                    }),
                }
            }
        }
        // Depth by walking up; a walk longer than the number of units is a cycle.
        let mut depth = vec![u16::MAX; units.len()];
        for start in 0..units.len() {
            let mut path = vec![start];
            let mut at = start;
            let mut cyclic = false;
            while depth[at] == u16::MAX {
                match parent[at] {
                    None => {
                        depth[at] = 0;
                        break;
                    }
                    Some(p) => {
                        let p = p.index();
                        if path.contains(&p) {
                            cyclic = true;
                            path.push(p);
                            break;
                        }
                        path.push(p);
                        at = p;
                    }
                }
            }
            if cyclic {
                let names: Vec<&str> = path.iter().map(|&i| units[i].code.as_str()).collect();
                errors.push(HierarchyError::Cycle {
                    code: units[start].code.clone(),
                    path: names.join(" > "),
                });
                for &i in &path {
                    if depth[i] == u16::MAX {
                        depth[i] = 0;
                        parent[i] = None;
                    }
                }
                continue;
            }
            // Unwind the path, giving each unit its depth.
            for &i in path.iter().rev() {
                if depth[i] == u16::MAX {
                    let p = parent[i].expect("non-root has a parent").index();
                    depth[i] = depth[p] + 1;
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut children = vec![Vec::new(); units.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[p.index()].push(UnitIdx::new(i));
            }
        }
        for list in &mut children {
            list.sort_by(|a, b| units[a.index()].name.cmp(&units[b.index()].name));
        }
        let mut top_down: Vec<UnitIdx> = (0..units.len()).map(UnitIdx::new).collect();
        top_down.sort_by_key(|&i| depth[i.index()]);
        let mut levels: Vec<(u16, String)> = Vec::new();
        for &i in &top_down {
            let level = &units[i.index()].level;
            if !levels.iter().any(|(_, l)| l == level) {
                levels.push((depth[i.index()], level.clone()));
            }
        }
        Ok(Hierarchy {
            units,
            by_code,
            parent,
            children,
            depth,
            top_down,
            levels: levels.into_iter().map(|(_, l)| l).collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }

    pub fn unit(&self, idx: UnitIdx) -> &OrgUnit {
        &self.units[idx.index()]
    }

    /// Every unit's position, in the order the units were given.
    pub fn all(&self) -> impl Iterator<Item = UnitIdx> + use<> {
        (0..self.units.len()).map(UnitIdx::new)
    }

    pub fn find(&self, code: &str) -> Option<UnitIdx> {
        self.by_code.get(code).copied()
    }

    pub fn parent(&self, idx: UnitIdx) -> Option<UnitIdx> {
        self.parent[idx.index()]
    }

    pub fn children(&self, idx: UnitIdx) -> &[UnitIdx] {
        &self.children[idx.index()]
    }

    pub fn has_children(&self, idx: UnitIdx) -> bool {
        !self.children[idx.index()].is_empty()
    }

    pub fn depth(&self, idx: UnitIdx) -> u16 {
        self.depth[idx.index()]
    }

    /// Parent, grandparent and so on up to the top.
    pub fn ancestors(&self, idx: UnitIdx) -> impl Iterator<Item = UnitIdx> + '_ {
        std::iter::successors(self.parent(idx), move |&p| self.parent(p))
    }

    /// Every unit below this one, nearest first.
    pub fn descendants(&self, idx: UnitIdx) -> Vec<UnitIdx> {
        let mut out = Vec::new();
        let mut frontier = self.children(idx).to_vec();
        while !frontier.is_empty() {
            out.extend_from_slice(&frontier);
            frontier = frontier
                .iter()
                .flat_map(|&c| self.children(c).iter().copied())
                .collect();
        }
        out
    }

    /// Units with parents before children: the order to walk for cascades.
    pub fn top_down(&self) -> &[UnitIdx] {
        &self.top_down
    }

    /// Units with children before parents: the order to compute rollups.
    pub fn bottom_up(&self) -> impl Iterator<Item = UnitIdx> + '_ {
        self.top_down.iter().rev().copied()
    }

    /// The level names, from the top of the tree down.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// Units of one level, in name order.
    pub fn at_level(&self, level: &str) -> Vec<UnitIdx> {
        let mut out: Vec<UnitIdx> = self
            .all()
            .filter(|&i| self.unit(i).level == level)
            .collect();
        out.sort_by(|a, b| self.unit(*a).name.cmp(&self.unit(*b).name));
        out
    }

    /// Top units (those without a parent), in name order.
    pub fn roots(&self) -> Vec<UnitIdx> {
        let mut out: Vec<UnitIdx> = self.all().filter(|&i| self.parent(i).is_none()).collect();
        out.sort_by(|a, b| self.unit(*a).name.cmp(&self.unit(*b).name));
        out
    }

    /// The path from the top down to this unit, inclusive: for breadcrumbs.
    pub fn path(&self, idx: UnitIdx) -> Vec<UnitIdx> {
        let mut path: Vec<UnitIdx> = self.ancestors(idx).collect();
        path.reverse();
        path.push(idx);
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, level: &str, parent: Option<&str>) -> OrgUnit {
        OrgUnit {
            code: code.parse().unwrap(),
            name: format!("Unit {code}"),
            level: level.into(),
            parent: parent.map(|p| p.parse().unwrap()),
        }
    }

    #[test]
    fn walks_up_and_down_the_tree() {
        let h = Hierarchy::build(vec![
            unit("W1", "ward", Some("D1")),
            unit("E", "country", None),
            unit("R", "region", Some("E")),
            unit("D1", "district", Some("R")),
            unit("W2", "ward", Some("D1")),
        ])
        .unwrap();
        let w1 = h.find("W1").unwrap();
        let ancestors: Vec<&str> = h.ancestors(w1).map(|i| h.unit(i).code.as_str()).collect();
        assert_eq!(ancestors, ["D1", "R", "E"]);
        let e = h.find("E").unwrap();
        assert_eq!(h.descendants(e).len(), 4);
        assert_eq!(h.levels(), ["country", "region", "district", "ward"]);
        let bottom_up: Vec<&str> = h.bottom_up().map(|i| h.unit(i).code.as_str()).collect();
        let pos = |c: &str| bottom_up.iter().position(|x| *x == c).unwrap();
        assert!(pos("W1") < pos("D1") && pos("D1") < pos("R") && pos("R") < pos("E"));
    }

    #[test]
    fn rejects_unknown_parents_and_cycles_naming_each() {
        let errors = Hierarchy::build(vec![
            unit("A", "x", Some("B")),
            unit("B", "x", Some("A")),
            unit("C", "x", Some("NOPE")),
        ])
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.contains("C names parent NOPE")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("A > B > A")), "{text:?}");
    }
}
